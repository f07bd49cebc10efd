import { orderedTrieRoot } from "../src/execution/trie-root.js";
import { encodeReceiptForRoot, EMPTY_BLOOM } from "../src/execution/block.js";
import { signTransfers } from "./execution.bench.js";
const raws = signTransfers(10240);
for (let k = 0; k < 5; k++) {
  const t0 = performance.now();
  const a = orderedTrieRoot(raws);
  const t1 = performance.now();
  const rs = raws.map((_, i) => encodeReceiptForRoot({ type: 2, status: 1, cumulativeGasUsed: 21000n * BigInt(i + 1), gasUsed: 21000n, effectiveGasPrice: 1n, logs: [] }, EMPTY_BLOOM));
  const t2 = performance.now();
  const b = orderedTrieRoot(rs);
  const t3 = performance.now();
  console.log(`txroot ${(t1 - t0).toFixed(1)} receipts-encode ${(t2 - t1).toFixed(1)} receiptroot ${(t3 - t2).toFixed(1)} ms`, a[0], b[0]);
}
