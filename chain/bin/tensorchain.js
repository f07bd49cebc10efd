#!/usr/bin/env node
// `tensorchain` binary: registers tsx's TypeScript loader in this process, loads the Node 20
// polyfills, then runs the CLI. No build step: the node runs from its TypeScript sources.
import process from "node:process";
import { register } from "tsx/esm/api";

register();
await import("../src/util/polyfills.ts");
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
