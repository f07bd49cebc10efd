// The OpenAPI 3.1 document of the public REST API (served at /api/v1/openapi.json). Written
// once here next to the handlers' shared schemas; the API test checks every documented path
// answers and every route is documented.
import { DEFAULT_LIMIT, MAX_LIMIT } from "./params";

const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const weiStr = { type: "string", pattern: "^\\d+$", description: "amount in wei, decimal" } as const;
const hash = { type: "string", pattern: "^0x[0-9a-f]{64}$" } as const;
const addr = { type: "string", pattern: "^0x[0-9a-f]{40}$" } as const;
/** The fields every inference answer has, served or failed: its job and the neuron whose model ran. */
const inferJob = { jobId: { ...str, format: "uuid" }, netuid: int, uid: int, hotkey: addr } as const;
const nullable = (s: object) => ({ oneOf: [s, { type: "null" }] });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const epochSnapshot = {
  type: "object",
  properties: { blockNumber: int, epoch: int, neuronCount: int, totalStake: weiStr, emission: weiStr },
} as const;

const pageOf = (item: string) => ({
  type: "object",
  required: ["items", "nextCursor"],
  properties: { items: { type: "array", items: ref(item) }, nextCursor: nullable(str) },
});

const cursorParams = (cursorDescription: string) => [
  { name: "cursor", in: "query", required: false, schema: str, description: cursorDescription },
  {
    name: "limit",
    in: "query",
    required: false,
    schema: { ...int, minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
  },
];
/** A required JSON request body. */
const jsonBody = (schema: object) => ({
  required: true,
  content: { "application/json": { schema } },
});
const pathParam = (name: string, schema: object) => ({ name, in: "path", required: true, schema });
/** A subnet or UID number in the path (u16). */
const u16Param = (name: "netuid" | "uid") => pathParam(name, { ...int, minimum: 0, maximum: 65535 });

const errors = {
  "400": { description: "invalid input", content: { "application/json": { schema: ref("Error") } } },
  "500": { description: "internal error", content: { "application/json": { schema: ref("Error") } } },
};
const notFound = {
  "404": { description: "not found", content: { "application/json": { schema: ref("Error") } } },
};
/** An error answer: `{ error: { code, message } }`. */
const errorAnswer = (description: string) => ({
  description,
  content: { "application/json": { schema: ref("Error") } },
});
const ok = (schema: object, description = "OK") => ({
  "200": { description, content: { "application/json": { schema } } },
});

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Tensorchain explorer API",
      version: "1.0.0",
      description:
        "Indexed chain data (blocks, transactions, addresses, validators, subnets, metagraphs) and the devnet faucet. " +
        "Errors are `{ error: { code, message } }`. Lists are newest first with cursor pagination: pass a page's `nextCursor` as `?cursor=`.",
    },
    servers: [{ url: "/api/v1" }],
    paths: {
      "/blocks": {
        get: {
          summary: "Latest blocks",
          parameters: cursorParams("number of the last block of the previous page"),
          responses: { ...ok(pageOf("Block")), ...errors },
        },
      },
      "/blocks/{number}": {
        get: {
          summary: "One block with its transaction hashes",
          parameters: [pathParam("number", { type: "string", pattern: "^\\d+$" })],
          responses: {
            ...ok({
              allOf: [
                ref("Block"),
                { type: "object", properties: { transactions: { type: "array", items: hash } } },
              ],
            }),
            ...errors,
            ...notFound,
          },
        },
      },
      "/txs": {
        get: {
          summary: "Latest transactions",
          parameters: cursorParams("<blockNumber>-<transactionIndex> of the last row of the previous page"),
          responses: { ...ok(pageOf("Transaction")), ...errors },
        },
      },
      "/txs/{hash}": {
        get: {
          summary: "One transaction with its receipt fields and logs",
          parameters: [pathParam("hash", hash)],
          responses: {
            ...ok({
              allOf: [
                ref("Transaction"),
                { type: "object", properties: { logs: { type: "array", items: ref("Log") } } },
              ],
            }),
            ...errors,
            ...notFound,
          },
        },
      },
      "/addresses/{address}": {
        get: {
          summary: "Indexed summary of an address",
          parameters: [pathParam("address", { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" })],
          responses: { ...ok(ref("Address")), ...errors, ...notFound },
        },
      },
      "/addresses/{address}/txs": {
        get: {
          summary: "Transactions from, to or creating an address",
          parameters: [
            pathParam("address", { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" }),
            ...cursorParams("<blockNumber>-<transactionIndex>"),
          ],
          responses: { ...ok(pageOf("Transaction")), ...errors },
        },
      },
      "/validators": {
        get: {
          summary: "Validators by stake",
          responses: {
            ...ok({ type: "object", properties: { items: { type: "array", items: ref("Validator") } } }),
            ...errors,
          },
        },
      },
      "/validators/slashing": {
        get: {
          summary: "Slashing history, newest first",
          parameters: [
            ...cursorParams("id of the last event of the previous page"),
            {
              name: "hotkey",
              in: "query",
              required: false,
              schema: addr,
              description: "only this validator",
            },
          ],
          responses: { ...ok(pageOf("SlashingEvent")), ...errors },
        },
      },
      "/subnets": {
        get: {
          summary: "Subnets",
          responses: {
            ...ok({ type: "object", properties: { items: { type: "array", items: ref("Subnet") } } }),
            ...errors,
          },
        },
      },
      "/subnets/{netuid}": {
        get: {
          summary: "One subnet",
          parameters: [u16Param("netuid")],
          responses: { ...ok(ref("Subnet")), ...errors, ...notFound },
        },
      },
      "/subnets/{netuid}/metagraph": {
        get: {
          summary: "Latest metagraph snapshot of a subnet",
          parameters: [u16Param("netuid")],
          responses: { ...ok(ref("Metagraph")), ...errors, ...notFound },
        },
      },
      "/subnets/{netuid}/epochs": {
        get: {
          summary: "Per-epoch metagraph snapshots of a subnet (emission per tempo), newest first",
          parameters: [
            u16Param("netuid"),
            ...cursorParams("block number of the last snapshot of the previous page"),
          ],
          responses: { ...ok(pageOf("EpochSnapshot")), ...errors, ...notFound },
        },
      },
      "/subnets/{netuid}/neurons/{uid}/receipts": {
        get: {
          summary:
            "Signed evaluation receipts of a UID's models, newest first, with the weight round that committed each " +
            "and its Merkle proof against the round's receiptsRoot (verify one with `tensorchain-worker verify`)",
          parameters: [
            u16Param("netuid"),
            u16Param("uid"),
            {
              name: "cursor",
              in: "query",
              required: false,
              schema: { ...str, format: "uuid" },
              description: "id of the last receipt of the previous page",
            },
            cursorParams("")[1],
          ],
          responses: {
            ...ok({
              type: "object",
              required: ["netuid", "uid", "receipts", "nextCursor"],
              properties: {
                netuid: int,
                uid: int,
                receipts: { type: "array", items: ref("Receipt") },
                nextCursor: nullable(str),
              },
            }),
            ...errors,
          },
        },
      },
      "/subnets/{netuid}/neurons/{uid}/lineage": {
        get: {
          summary:
            "A UID's current model and its ancestors (publishModel's parent), newest first, each with its latest " +
            "score and its improvement over its parent on the same data set (proof of learning)",
          parameters: [u16Param("netuid"), u16Param("uid")],
          responses: {
            ...ok({
              type: "object",
              required: ["netuid", "uid", "modelHash", "lineage"],
              properties: {
                netuid: int,
                uid: int,
                modelHash: nullable(hash),
                lineage: { type: "array", items: ref("LineageEntry") },
              },
            }),
            ...errors,
          },
        },
      },
      "/subnets/{netuid}/infer": {
        post: {
          summary:
            "Run an inference on the subnet's best-ranked miner model (highest incentive; before the first paying " +
            "epoch, the best evaluation score) as a job on the validators' workers. Needs a SIWE session " +
            "(cookie from /api/auth/verify); rate-limited per wallet",
          parameters: [u16Param("netuid")],
          requestBody: jsonBody({
            type: "object",
            required: ["inputs"],
            properties: {
              inputs: {
                type: "object",
                description: "model input name → tensor",
                additionalProperties: ref("Tensor"),
              },
              outputs: {
                type: "array",
                maxItems: 16,
                items: { ...str, minLength: 1, maxLength: 128 },
                description: "outputs to return (all when absent)",
              },
            },
          }),
          responses: {
            ...ok(ref("InferResult"), "the model's outputs and the hash of the model that served them"),
            "401": errorAnswer("not signed in"),
            "422": {
              description: "the model failed on this input",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      ...inferJob,
                      modelHash: hash,
                      status: { const: "failed" },
                      reason: str,
                    },
                  },
                },
              },
            },
            "429": errorAnswer("rate limited (Retry-After says when to try again)"),
            "503": errorAnswer("no published model, or no worker answered in time"),
            ...errors,
            ...notFound,
          },
        },
      },
      "/stats": {
        get: { summary: "Head, block time and throughput", responses: { ...ok(ref("Stats")), ...errors } },
      },
      "/faucet/challenge": {
        get: {
          summary: "A proof-of-work challenge for a faucet claim",
          responses: { ...ok(ref("FaucetChallenge")), ...errors },
        },
      },
      "/faucet": {
        post: {
          summary: "Claim devnet TEN",
          description:
            "Find `nonce` such that sha256(challenge ‖ nonce) has `difficulty` leading zero bits; the claim is queued and paid by the faucet's sender.",
          requestBody: jsonBody({
            type: "object",
            required: ["address", "challenge", "nonce"],
            properties: { address: str, challenge: str, nonce: str },
          }),
          responses: {
            "202": { description: "queued", content: { "application/json": { schema: ref("FaucetClaim") } } },
            "403": {
              description: "address or IP blocked",
              content: { "application/json": { schema: ref("Error") } },
            },
            "429": {
              description: "a limit was reached (Retry-After)",
              content: { "application/json": { schema: ref("Error") } },
            },
            "503": {
              description: "faucet disabled, empty or paused",
              content: { "application/json": { schema: ref("Error") } },
            },
            ...errors,
          },
        },
      },
      "/faucet/stats": {
        get: { summary: "Faucet totals", responses: { ...ok(ref("FaucetStats")), ...errors } },
      },
      "/openapi.json": { get: { summary: "This document", responses: ok({ type: "object" }) } },
    },
    components: {
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: { type: "object", required: ["code", "message"], properties: { code: str, message: str } },
          },
        },
        Block: {
          type: "object",
          properties: {
            number: int,
            hash,
            parentHash: hash,
            timestamp: { type: "string", format: "date-time" },
            miner: addr,
            gasUsed: int,
            gasLimit: int,
            baseFeePerGas: nullable(weiStr),
            burntFees: weiStr,
            stateRoot: hash,
            size: int,
            txCount: int,
            extraData: str,
          },
        },
        Transaction: {
          type: "object",
          properties: {
            hash,
            blockNumber: int,
            blockHash: hash,
            transactionIndex: int,
            timestamp: { type: "string", format: "date-time" },
            from: addr,
            to: nullable(addr),
            value: weiStr,
            nonce: int,
            type: int,
            gas: int,
            gasPrice: nullable(weiStr),
            maxFeePerGas: nullable(weiStr),
            maxPriorityFeePerGas: nullable(weiStr),
            input: str,
            methodId: nullable(str),
            status: { enum: ["success", "reverted"] },
            gasUsed: int,
            cumulativeGasUsed: int,
            effectiveGasPrice: weiStr,
            fee: weiStr,
            contractAddress: nullable(addr),
          },
        },
        Log: {
          type: "object",
          properties: {
            logIndex: int,
            address: addr,
            topics: { type: "array", items: hash },
            data: str,
            eventName: nullable(str),
            args: { description: "decoded arguments (bigints as decimal strings)" },
          },
        },
        Address: {
          type: "object",
          properties: {
            address: addr,
            balance: weiStr,
            balanceBlock: int,
            txCount: int,
            firstSeenBlock: int,
            lastSeenBlock: int,
            isContract: { type: "boolean" },
            label: nullable(str),
          },
        },
        Validator: {
          type: "object",
          properties: {
            hotkey: addr,
            coldkey: addr,
            moniker: nullable(str),
            status: { enum: ["active", "inactive", "jailed", "tombstoned"] },
            stake: weiStr,
            votingPower: int,
            jailedUntil: { ...nullable(int), description: "unix seconds" },
            firstSeenBlock: int,
            updatedAtBlock: int,
            uptime: {
              ...nullable({ type: "number" }),
              description: "signed / (signed + missed), latest windows",
            },
            signedBlocks: int,
            missedBlocks: int,
            proposedBlocks: int,
            slashCount: int,
          },
        },
        SlashingEvent: {
          type: "object",
          properties: {
            id: int,
            hotkey: addr,
            blockNumber: int,
            kind: { enum: ["double_sign", "downtime"] },
            amount: weiStr,
            jailedUntil: { ...nullable(int), description: "unix seconds" },
            tombstoned: { type: "boolean" },
          },
        },
        EpochSnapshot: epochSnapshot,
        Subnet: {
          type: "object",
          properties: {
            netuid: int,
            name: nullable(str),
            owner: addr,
            registeredAt: int,
            registeredTxHash: nullable(hash),
            hyperparams: { type: "object" },
            taskSpec: nullable({ type: "object" }),
            neuronCount: int,
            updatedAtBlock: int,
          },
        },
        Metagraph: {
          type: "object",
          properties: {
            netuid: int,
            snapshot: nullable(epochSnapshot),
            neurons: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  uid: int,
                  hotkey: addr,
                  stake: weiStr,
                  rank: { type: "number" },
                  trust: { type: "number" },
                  validatorTrust: { type: "number" },
                  consensus: { type: "number" },
                  incentive: { type: "number" },
                  dividends: { type: "number" },
                  emission: weiStr,
                  active: { type: "boolean" },
                  validatorPermit: { type: "boolean" },
                },
              },
            },
          },
        },
        Stats: {
          type: "object",
          properties: {
            head: nullable(int),
            headTimestamp: nullable(str),
            blockTimeMs: nullable({ type: "number" }),
            txPerSec: nullable({ type: "number" }),
            txsInWindow: int,
            windowBlocks: int,
            totalAccounts: int,
          },
        },
        Tensor: {
          type: "object",
          required: ["dtype", "shape", "data"],
          properties: {
            dtype: { enum: ["float32", "float64", "int32", "int64", "uint8", "int8", "bool"] },
            shape: { type: "array", maxItems: 8, items: { ...int, minimum: 0 } },
            data: { ...str, description: "the elements, little-endian, row-major, base64" },
          },
        },
        InferResult: {
          type: "object",
          properties: {
            ...inferJob,
            modelHash: { ...hash, description: "sha256 of the ONNX model that served the request" },
            status: { const: "ok" },
            outputs: { type: "object", additionalProperties: ref("Tensor") },
            provider: { enum: ["cuda", "cpu"] },
            durationMs: { type: "number" },
          },
        },
        Receipt: {
          type: "object",
          properties: {
            id: { ...str, format: "uuid" },
            jobId: { ...str, format: "uuid" },
            netuid: int,
            uid: int,
            minerHotkey: addr,
            validatorHotkey: addr,
            worker: addr,
            modelHash: hash,
            datasetHash: hash,
            metric: str,
            score: { type: "number", minimum: 0, maximum: 100 },
            scoreBps: { ...int, minimum: 0, maximum: 10000 },
            parentModelHash: nullable(hash),
            parentScoreBps: nullable(int),
            improvementBps: { ...nullable(int), description: "score − parent score, basis points" },
            modelStatus: { enum: ["ok", "failed"] },
            reason: nullable(str),
            blockNumber: int,
            createdAt: { type: "string", format: "date-time" },
            leaf: { ...nullable(hash), description: "keccak256 of the EIP-712 digest" },
            round: nullable({
              type: "object",
              properties: {
                id: { ...str, format: "uuid" },
                tempo: int,
                status: str,
                receiptsRoot: nullable(hash),
                commitTxHash: nullable(hash),
                revealTxHash: nullable(hash),
              },
            }),
            proof: {
              ...nullable({ type: "array", items: hash }),
              description: "sibling hashes, leaf to root",
            },
            signed: {
              type: "object",
              description: "the receipt as the worker signed it (EIP-712, domain Tensorchain v1)",
              properties: {
                receipt: { type: "object" },
                signature: { ...str, pattern: "^0x[0-9a-fA-F]{130}$" },
              },
            },
          },
        },
        LineageEntry: {
          type: "object",
          properties: {
            modelHash: hash,
            parentModelHash: nullable(hash),
            scoreBps: nullable(int),
            improvementBps: nullable(int),
            receiptId: nullable({ ...str, format: "uuid" }),
          },
        },
        FaucetChallenge: {
          type: "object",
          properties: { challenge: str, difficulty: int, expiresAt: { type: "string", format: "date-time" } },
        },
        FaucetClaim: {
          type: "object",
          properties: {
            id: str,
            address: addr,
            amount: weiStr,
            status: { enum: ["queued", "sent", "confirmed", "failed"] },
          },
        },
        FaucetStats: {
          type: "object",
          properties: {
            claims: int,
            confirmed: int,
            tokensSent: weiStr,
            uniqueAddresses: int,
            paused: nullable(str),
          },
        },
      },
    },
  };
}
