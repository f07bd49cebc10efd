// vitest globalSetup: builds contracts/abi/ once before any test file loads, so test files (and
// the modules they import) can import the generated ABI modules statically on a clean checkout.
import { buildContracts } from "../build";

export default function setup(): void {
  buildContracts();
}
