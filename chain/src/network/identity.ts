// The node's persistent libp2p identity: an Ed25519 key kept in the data dir so the peer id (and
// therefore every other node's bootstrap list entry for this node) survives restarts.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { IdentityFileError } from "./errors.js";

export const NODE_KEY_FILE = "p2p-node-key";

/** Loads `<dataDir>/p2p-node-key` (hex of the libp2p protobuf key), creating it on first start. */
export async function loadOrCreateNodeKey(dataDir: string): Promise<PrivateKey> {
  const file = path.join(dataDir, NODE_KEY_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new IdentityFileError(file, (err as Error).message, err);
    }
  }
  if (text !== undefined) {
    const hex = text.trim();
    if (!/^([0-9a-f]{2})+$/i.test(hex)) throw new IdentityFileError(file, "not a hex-encoded key");
    try {
      return privateKeyFromProtobuf(Buffer.from(hex, "hex"));
    } catch (err) {
      throw new IdentityFileError(file, "not a libp2p private key", err);
    }
  }
  const key = await generateKeyPair("Ed25519");
  await mkdir(dataDir, { recursive: true });
  // Write-then-rename so a crash never leaves a truncated key behind (which would change the id).
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${Buffer.from(privateKeyToProtobuf(key)).toString("hex")}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return key;
}
