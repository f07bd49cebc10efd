// Worker thread of recover-pool.ts: public-key recovery with native libsecp256k1 for a batch of
// (digest, r‖s, recovery id) records. Plain JavaScript on purpose: a worker does not inherit the
// parent's TypeScript loader. Input record: 32 + 64 + 1 bytes; output: 64-byte public key, or
// 64 zero bytes when the signature does not recover.
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";

const require = createRequire(import.meta.url);
const secp = require("secp256k1/bindings");
const IN = 97;
const OUT = 64;

parentPort.on("message", ({ id, buf }) => {
  const input = new Uint8Array(buf);
  const n = input.length / IN;
  const out = new Uint8Array(n * OUT);
  for (let i = 0; i < n; i++) {
    const o = i * IN;
    try {
      const pub = secp.ecdsaRecover(
        input.subarray(o + 32, o + 96),
        input[o + 96],
        input.subarray(o, o + 32),
        false,
      );
      out.set(pub.subarray(1), i * OUT);
    } catch {
      // left as zeros: the caller reports an invalid signature
    }
  }
  parentPort.postMessage({ id, buf: out.buffer }, [out.buffer]);
});
