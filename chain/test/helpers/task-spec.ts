// Test fixture: the task spec of the "mnist" test subnet, as registerNetwork takes it. Shared by
// the protocol end-to-end test and lib/indexer/test-protocol.ts.
import { keccak256, toHex } from "viem";

export const MNIST_TASK_SPEC = {
  taskType: 0,
  metric: "accuracy",
  inputSignature: "float32[1,784]",
  outputSignature: "float32[1,10]",
  datasetHash: keccak256(toHex("mnist-heldout")),
  datasetURI: "ipfs://mnist-heldout",
} as const;
