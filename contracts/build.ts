// Compiles every Solidity source under contracts/ with solc-js and writes one typed module per
// contract to contracts/abi/ (`<camelName>Abi`, plus `<camelName>Bytecode` and
// `<camelName>DeployedBytecode` for deployable contracts, `<camelName><Enum>` member names of
// each enum), a combined `allErrorsAbi` module and an index.json manifest. Incremental: the hash of compiler, settings and sources is kept in the
// manifest, and an unchanged tree is not recompiled. contracts/abi/ is generated output.
//
//   npx tsx contracts/build.ts [--force]
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** EVM version the bytecode targets; must not be newer than the chain's hardfork. */
export const EVM_VERSION = "cancun";
export const OPTIMIZER = { enabled: true, runs: 200 } as const;
/** Bump when the shape of the generated files changes, so existing outputs are rebuilt. */
const OUTPUT_FORMAT = 2;

const CONTRACTS_DIR = path.dirname(fileURLToPath(import.meta.url));
/** Folders (relative to contracts/) whose .sol files are compiled. */
const SOURCE_DIRS = ["interfaces", "src"];

export type ContractKind = "interface" | "contract" | "abstract" | "library";

export interface ContractArtifact {
  name: string;
  /** Source path relative to contracts/. */
  source: string;
  kind: ContractKind;
  /** Module file name inside the output folder. */
  module: string;
  abiExport: string;
  bytecodeExport?: string;
  deployedBytecodeExport?: string;
  /** Enum name → export holding its member names, index = ABI value (`iSubnetsTaskType`). */
  enumExports?: Record<string, string>;
}

export interface BuildManifest {
  compiler: string;
  evmVersion: string;
  optimizer: typeof OPTIMIZER;
  sourcesHash: string;
  contracts: ContractArtifact[];
}

export interface BuildOptions {
  /** Folder holding interfaces/ and src/ (default: this file's folder). */
  contractsDir?: string;
  /** Output folder (default: <contractsDir>/abi). */
  outDir?: string;
  /** Recompile even when the sources hash is unchanged. */
  force?: boolean;
}

export interface BuildResult {
  /** False when the outputs were already up to date. */
  compiled: boolean;
  manifest: BuildManifest;
  /** Compiler warnings, formatted (empty when skipped). */
  warnings: string[];
  outDir: string;
}

/** The compiler rejected the sources; `messages` are solc's formatted errors. */
export class ContractsBuildError extends Error {
  readonly shortMessage: string;
  constructor(readonly messages: string[]) {
    const shortMessage = `Solidity compilation failed with ${messages.length} error(s)`;
    super(`${shortMessage}:\n${messages.join("\n")}`);
    this.name = "ContractsBuildError";
    this.shortMessage = shortMessage;
  }
}

interface SolcCompiler {
  version(): string;
  compile(
    input: string,
    callbacks?: { import: (p: string) => { contents: string } | { error: string } },
  ): string;
}

interface SolcError {
  severity: "error" | "warning" | "info";
  formattedMessage?: string;
  message: string;
}

interface AstNode {
  nodeType: string;
  name?: string;
  contractKind?: "interface" | "contract" | "library";
  abstract?: boolean;
  nodes?: AstNode[];
  /** Members of an EnumDefinition. */
  members?: { name: string }[];
}

export interface SolcOutput {
  errors?: SolcError[];
  sources?: Record<string, { ast: AstNode }>;
  contracts?: Record<
    string,
    Record<
      string,
      { abi: AbiItem[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
    >
  >;
}

interface AbiItem {
  type: string;
  name?: string;
  inputs?: AbiParam[];
}

interface AbiParam {
  type: string;
  components?: AbiParam[];
}

let solcInstance: SolcCompiler | undefined;
function loadSolc(): SolcCompiler {
  // solc-js is CommonJS and loads a large emscripten module: load it once, only when compiling.
  solcInstance ??= createRequire(import.meta.url)("solc") as SolcCompiler;
  return solcInstance;
}

function solcVersion(): string {
  // Reading the version from package.json avoids loading the compiler just to find the build
  // is up to date.
  const require = createRequire(import.meta.url);
  const pkg = require("solc/package.json") as { version: string };
  return pkg.version;
}

function listSources(contractsDir: string): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const dir of SOURCE_DIRS) {
    const abs = path.join(contractsDir, dir);
    if (!existsSync(abs)) continue;
    for (const entry of readdirSync(abs, { recursive: true, encoding: "utf8" }).sort()) {
      if (!entry.endsWith(".sol")) continue;
      const key = path.posix.join(dir, entry.split(path.sep).join("/"));
      sources[key] = readFileSync(path.join(abs, entry), "utf8");
    }
  }
  return sources;
}

function hashSources(sources: Record<string, string>, version: string): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ version, EVM_VERSION, OPTIMIZER, OUTPUT_FORMAT }));
  for (const key of Object.keys(sources).sort()) {
    h.update(`\0${key}\0${sources[key]}`);
  }
  return h.digest("hex");
}

/** `IStaking` → `iStaking`, `TokenDistributor` → `tokenDistributor`. */
export function camelName(contractName: string): string {
  return contractName.charAt(0).toLowerCase() + contractName.slice(1);
}

function readManifest(outDir: string): BuildManifest | undefined {
  try {
    return JSON.parse(readFileSync(path.join(outDir, "index.json"), "utf8")) as BuildManifest;
  } catch {
    return undefined;
  }
}

function isUpToDate(outDir: string, sourcesHash: string): BuildManifest | undefined {
  const manifest = readManifest(outDir);
  if (!manifest || manifest.sourcesHash !== sourcesHash) return undefined;
  const complete = manifest.contracts.every((c) => existsSync(path.join(outDir, c.module)));
  return complete && existsSync(path.join(outDir, "errors.ts")) ? manifest : undefined;
}

interface ContractAst {
  kind: ContractKind;
  /** Enum name → member names in declaration order (the ABI carries only uint8). */
  enums: [string, string[]][];
}

function contractAsts(output: SolcOutput): Map<string, ContractAst> {
  const found = new Map<string, ContractAst>();
  for (const [source, { ast }] of Object.entries(output.sources ?? {})) {
    for (const node of ast.nodes ?? []) {
      if (node.nodeType !== "ContractDefinition" || !node.name || !node.contractKind) continue;
      const kind: ContractKind =
        node.contractKind === "contract" && node.abstract ? "abstract" : node.contractKind;
      const enums = (node.nodes ?? [])
        .filter((n) => n.nodeType === "EnumDefinition" && n.name)
        .map((n): [string, string[]] => [n.name!, (n.members ?? []).map((m) => m.name)]);
      found.set(`${source}:${node.name}`, { kind, enums });
    }
  }
  return found;
}

function canonicalType(p: AbiParam): string {
  if (!p.type.startsWith("tuple")) return p.type;
  return `(${(p.components ?? []).map(canonicalType).join(",")})${p.type.slice("tuple".length)}`;
}

function errorSignature(item: AbiItem): string {
  return `${item.name ?? ""}(${(item.inputs ?? []).map(canonicalType).join(",")})`;
}

/** Writes via a temporary file and a rename, so a concurrent reader or build never sees a torn file. */
function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

function moduleText(header: string, exports: [string, string][]): string {
  const body = exports.map(([name, value]) => `export const ${name} = ${value} as const;\n`).join("\n");
  return `// Generated by contracts/build.ts from ${header}. Do not edit.\n\n${body}`;
}

/**
 * Compiles Solidity sources (path → content) with the build's settings; throws
 * ContractsBuildError with solc's messages when any source has an error.
 */
export function compileSolidity(sources: Record<string, string>): { output: SolcOutput; warnings: string[] } {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([k, content]) => [k, { content }])),
    settings: {
      optimizer: OPTIMIZER,
      evmVersion: EVM_VERSION,
      outputSelection: {
        "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"], "": ["ast"] },
      },
    },
  };
  // Every source is passed in; an import outside them is a mistake, reported by solc.
  const output = JSON.parse(
    loadSolc().compile(JSON.stringify(input), {
      import: (p) => ({ error: `import "${p}" is not among the compiled sources` }),
    }),
  ) as SolcOutput;
  const diagnostics = output.errors ?? [];
  const errors = diagnostics
    .filter((e) => e.severity === "error")
    .map((e) => e.formattedMessage ?? e.message);
  if (errors.length > 0) throw new ContractsBuildError(errors);
  const warnings = diagnostics
    .filter((e) => e.severity === "warning")
    .map((e) => e.formattedMessage ?? e.message);
  return { output, warnings };
}

/** Compiles the sources (unless unchanged) and writes the typed modules and the manifest. */
export function buildContracts(options: BuildOptions = {}): BuildResult {
  const contractsDir = options.contractsDir ?? CONTRACTS_DIR;
  const outDir = options.outDir ?? path.join(contractsDir, "abi");
  const sources = listSources(contractsDir);
  if (Object.keys(sources).length === 0) {
    throw new ContractsBuildError([
      `no .sol files under ${SOURCE_DIRS.map((d) => path.join(contractsDir, d)).join(", ")}`,
    ]);
  }
  const sourcesHash = hashSources(sources, solcVersion());
  if (!options.force) {
    const manifest = isUpToDate(outDir, sourcesHash);
    if (manifest) return { compiled: false, manifest, warnings: [], outDir };
  }

  const { output, warnings } = compileSolidity(sources);
  const compiler = loadSolc().version();

  const asts = contractAsts(output);
  const artifacts: ContractArtifact[] = [];
  const seenNames = new Map<string, string>();
  const errorItems = new Map<string, AbiItem>();
  mkdirSync(outDir, { recursive: true });

  for (const [source, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, compiled] of Object.entries(contracts)) {
      const previous = seenNames.get(name);
      if (previous) {
        throw new ContractsBuildError([`contract name ${name} is defined in both ${previous} and ${source}`]);
      }
      seenNames.set(name, source);
      const camel = camelName(name);
      const artifact: ContractArtifact = {
        name,
        source,
        kind: asts.get(`${source}:${name}`)?.kind ?? "contract",
        module: `${name}.ts`,
        abiExport: `${camel}Abi`,
      };
      const exports: [string, string][] = [[artifact.abiExport, JSON.stringify(compiled.abi, null, 2)]];
      const bytecode = compiled.evm.bytecode.object;
      if (bytecode.length > 0) {
        // Library placeholders (`__$…$__`) would need linking, which this build does not do.
        if (bytecode.includes("__$")) {
          throw new ContractsBuildError([
            `${source}:${name} needs library linking, which the build does not support`,
          ]);
        }
        artifact.bytecodeExport = `${camel}Bytecode`;
        artifact.deployedBytecodeExport = `${camel}DeployedBytecode`;
        exports.push([artifact.bytecodeExport, JSON.stringify(`0x${bytecode}`)]);
        exports.push([
          artifact.deployedBytecodeExport,
          JSON.stringify(`0x${compiled.evm.deployedBytecode.object}`),
        ]);
      }
      const enums = asts.get(`${source}:${name}`)?.enums ?? [];
      if (enums.length > 0) {
        artifact.enumExports = {};
        for (const [enumName, members] of enums) {
          artifact.enumExports[enumName] = `${camel}${enumName}`;
          exports.push([`${camel}${enumName}`, JSON.stringify(members)]);
        }
      }
      for (const item of compiled.abi) {
        if (item.type === "error") errorItems.set(errorSignature(item), item);
      }
      writeAtomic(path.join(outDir, artifact.module), moduleText(`contracts/${source}`, exports));
      artifacts.push(artifact);
    }
  }
  artifacts.sort((a, b) => a.name.localeCompare(b.name));

  const allErrors = [...errorItems.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, item]) => item);
  writeAtomic(
    path.join(outDir, "errors.ts"),
    moduleText("every contract's custom errors (deduplicated by signature)", [
      ["allErrorsAbi", JSON.stringify(allErrors, null, 2)],
    ]),
  );

  // Modules of contracts that no longer exist would otherwise linger and still be importable.
  const keep = new Set([...artifacts.map((a) => a.module), "errors.ts", "index.json"]);
  for (const file of readdirSync(outDir)) {
    if (file.endsWith(".ts") && !keep.has(file)) rmSync(path.join(outDir, file), { force: true });
  }

  const manifest: BuildManifest = {
    compiler,
    evmVersion: EVM_VERSION,
    optimizer: OPTIMIZER,
    sourcesHash,
    contracts: artifacts,
  };
  // Written last: its hash marks the outputs complete.
  writeAtomic(path.join(outDir, "index.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { compiled: true, manifest, warnings, outDir };
}

function main(): void {
  const force = process.argv.includes("--force");
  try {
    const { compiled, manifest, warnings, outDir } = buildContracts({ force });
    for (const w of warnings) console.warn(w);
    const where = path.relative(process.cwd(), outDir) || ".";
    console.log(
      compiled
        ? `contracts: compiled ${manifest.contracts.length} contracts with solc ${manifest.compiler} into ${where}`
        : `contracts: ${where} is up to date`,
    );
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
