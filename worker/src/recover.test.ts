import { describe, expect, it } from "vitest";
import { hashMessage, parseSignature, recoverMessageAddress, serializeSignature, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { recoverHashSigner } from "./recover.js";

describe("recoverHashSigner", () => {
  it("recovers the signer as viem does, for yParity and legacy v signatures", async () => {
    for (let i = 0; i < 4; i++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const message = `tensorchain ${i}`;
      const signature = await account.signMessage({ message });
      expect(recoverHashSigner(hashMessage(message), signature)).toBe(account.address);
      expect(recoverHashSigner(hashMessage(message), signature)).toBe(
        await recoverMessageAddress({ message, signature }),
      );
      const { r, s, yParity } = parseSignature(signature);
      const compact = serializeSignature({ r, s, yParity });
      expect(compact.slice(-2)).toMatch(/^(1b|1c)$/);
      const raw: Hex = `0x${compact.slice(2, 130)}0${yParity}`;
      expect(recoverHashSigner(hashMessage(message), raw)).toBe(account.address);
      // Another message: another (wrong) signer, not an error.
      expect(recoverHashSigner(hashMessage(`${message}!`), signature)).not.toBe(account.address);
    }
  });

  it("refuses malformed signatures", () => {
    const hash = hashMessage("x");
    expect(() => recoverHashSigner(hash, "0x1234")).toThrow(/length/);
    expect(() => recoverHashSigner(hash, `0x${"11".repeat(64)}05`)).toThrow(/yParityOrV/);
  });
});
