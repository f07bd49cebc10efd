#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so the worker needs no build step.
import process from "node:process";
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli.ts");
process.exit(await main(process.argv.slice(2)));
