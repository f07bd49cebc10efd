-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ValidatorStatus" AS ENUM ('active', 'inactive', 'jailed', 'tombstoned');

-- CreateEnum
CREATE TYPE "SlashingKind" AS ENUM ('double_sign', 'downtime');

-- CreateEnum
CREATE TYPE "FaucetClaimStatus" AS ENUM ('queued', 'sent', 'confirmed', 'failed');

-- CreateEnum
CREATE TYPE "JobKind" AS ENUM ('evaluate', 'score', 'infer');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'dead');

-- CreateTable
CREATE TABLE "Block" (
    "number" BIGINT NOT NULL,
    "hash" VARCHAR(66) NOT NULL,
    "parentHash" VARCHAR(66) NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "miner" VARCHAR(42) NOT NULL,
    "gasUsed" BIGINT NOT NULL,
    "gasLimit" BIGINT NOT NULL,
    "baseFeePerGas" DECIMAL(78,0),
    "stateRoot" VARCHAR(66) NOT NULL,
    "size" INTEGER NOT NULL,
    "txCount" INTEGER NOT NULL,
    "burntFees" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "extraData" TEXT NOT NULL DEFAULT '0x',
    "indexedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Block_pkey" PRIMARY KEY ("number")
);

-- CreateTable
CREATE TABLE "Transaction" (
    "hash" VARCHAR(66) NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" VARCHAR(66) NOT NULL,
    "transactionIndex" INTEGER NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "from" VARCHAR(42) NOT NULL,
    "to" VARCHAR(42),
    "value" DECIMAL(78,0) NOT NULL,
    "nonce" BIGINT NOT NULL,
    "type" INTEGER NOT NULL,
    "gas" BIGINT NOT NULL,
    "gasPrice" DECIMAL(78,0),
    "maxFeePerGas" DECIMAL(78,0),
    "maxPriorityFeePerGas" DECIMAL(78,0),
    "input" TEXT NOT NULL,
    "methodId" VARCHAR(10),
    "status" INTEGER NOT NULL,
    "gasUsed" BIGINT NOT NULL,
    "cumulativeGasUsed" BIGINT NOT NULL,
    "effectiveGasPrice" DECIMAL(78,0) NOT NULL,
    "contractAddress" VARCHAR(42),

    CONSTRAINT "Transaction_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "Log" (
    "blockNumber" BIGINT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "transactionHash" VARCHAR(66) NOT NULL,
    "transactionIndex" INTEGER NOT NULL,
    "address" VARCHAR(42) NOT NULL,
    "topic0" VARCHAR(66),
    "topic1" VARCHAR(66),
    "topic2" VARCHAR(66),
    "topic3" VARCHAR(66),
    "data" TEXT NOT NULL,
    "eventName" TEXT,
    "args" JSONB,

    CONSTRAINT "Log_pkey" PRIMARY KEY ("blockNumber","logIndex")
);

-- CreateTable
CREATE TABLE "Account" (
    "address" VARCHAR(42) NOT NULL,
    "balance" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "balanceBlock" BIGINT NOT NULL DEFAULT 0,
    "txCount" INTEGER NOT NULL DEFAULT 0,
    "firstSeenBlock" BIGINT NOT NULL,
    "lastSeenBlock" BIGINT NOT NULL,
    "isContract" BOOLEAN NOT NULL DEFAULT false,
    "codeHash" VARCHAR(66),
    "label" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "Validator" (
    "hotkey" VARCHAR(42) NOT NULL,
    "coldkey" VARCHAR(42) NOT NULL,
    "consensusKey" TEXT,
    "moniker" TEXT,
    "status" "ValidatorStatus" NOT NULL DEFAULT 'inactive',
    "stake" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "votingPower" BIGINT NOT NULL DEFAULT 0,
    "jailedUntil" BIGINT,
    "firstSeenBlock" BIGINT NOT NULL,
    "updatedAtBlock" BIGINT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Validator_pkey" PRIMARY KEY ("hotkey")
);

-- CreateTable
CREATE TABLE "ValidatorUptime" (
    "id" BIGSERIAL NOT NULL,
    "validatorHotkey" VARCHAR(42) NOT NULL,
    "fromBlock" BIGINT NOT NULL,
    "toBlock" BIGINT NOT NULL,
    "signedBlocks" INTEGER NOT NULL,
    "missedBlocks" INTEGER NOT NULL,
    "proposedBlocks" INTEGER NOT NULL,

    CONSTRAINT "ValidatorUptime_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlashingEvent" (
    "id" BIGSERIAL NOT NULL,
    "validatorHotkey" VARCHAR(42) NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "kind" "SlashingKind" NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "jailedUntil" BIGINT,
    "tombstoned" BOOLEAN NOT NULL DEFAULT false,
    "evidence" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlashingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subnet" (
    "netuid" INTEGER NOT NULL,
    "name" TEXT,
    "owner" VARCHAR(42) NOT NULL,
    "registeredAt" BIGINT NOT NULL,
    "registeredTxHash" VARCHAR(66),
    "hyperparams" JSONB NOT NULL,
    "taskSpec" JSONB,
    "updatedAtBlock" BIGINT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Subnet_pkey" PRIMARY KEY ("netuid")
);

-- CreateTable
CREATE TABLE "Neuron" (
    "netuid" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "hotkey" VARCHAR(42) NOT NULL,
    "coldkey" VARCHAR(42) NOT NULL,
    "axon" TEXT,
    "modelHash" VARCHAR(66),
    "modelUri" TEXT,
    "modelParent" VARCHAR(66),
    "registeredAt" BIGINT NOT NULL,
    "isValidator" BOOLEAN NOT NULL DEFAULT false,
    "updatedAtBlock" BIGINT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Neuron_pkey" PRIMARY KEY ("netuid","uid")
);

-- CreateTable
CREATE TABLE "MetagraphSnapshot" (
    "id" BIGSERIAL NOT NULL,
    "netuid" INTEGER NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "epoch" BIGINT NOT NULL,
    "neuronCount" INTEGER NOT NULL,
    "totalStake" DECIMAL(78,0) NOT NULL,
    "emission" DECIMAL(78,0) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetagraphSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NeuronEpoch" (
    "snapshotId" BIGINT NOT NULL,
    "uid" INTEGER NOT NULL,
    "netuid" INTEGER NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "hotkey" VARCHAR(42) NOT NULL,
    "stake" DECIMAL(78,0) NOT NULL,
    "rank" DOUBLE PRECISION NOT NULL,
    "trust" DOUBLE PRECISION NOT NULL,
    "validatorTrust" DOUBLE PRECISION NOT NULL,
    "consensus" DOUBLE PRECISION NOT NULL,
    "incentive" DOUBLE PRECISION NOT NULL,
    "dividends" DOUBLE PRECISION NOT NULL,
    "emission" DECIMAL(78,0) NOT NULL,
    "active" BOOLEAN NOT NULL,
    "validatorPermit" BOOLEAN NOT NULL,

    CONSTRAINT "NeuronEpoch_pkey" PRIMARY KEY ("snapshotId","uid")
);

-- CreateTable
CREATE TABLE "IndexerCursor" (
    "name" TEXT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" VARCHAR(66) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IndexerCursor_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "FaucetClaim" (
    "id" BIGSERIAL NOT NULL,
    "address" VARCHAR(42) NOT NULL,
    "ip" VARCHAR(45) NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "status" "FaucetClaimStatus" NOT NULL DEFAULT 'queued',
    "txHash" VARCHAR(66),
    "nonce" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),
    "confirmedAt" TIMESTAMPTZ(3),

    CONSTRAINT "FaucetClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "kind" "JobKind" NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "runAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMPTZ(3),
    "workerId" VARCHAR(42),
    "validatorHotkey" VARCHAR(42),
    "netuid" INTEGER,
    "result" JSONB,
    "error" TEXT,
    "deadLetteredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerKey" (
    "address" VARCHAR(42) NOT NULL,
    "validatorHotkey" VARCHAR(42) NOT NULL,
    "label" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),
    "lastSeenAt" TIMESTAMPTZ(3),

    CONSTRAINT "WorkerKey_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "EvaluationReceipt" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "netuid" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "minerHotkey" VARCHAR(42) NOT NULL,
    "validatorHotkey" VARCHAR(42) NOT NULL,
    "modelHash" VARCHAR(66) NOT NULL,
    "datasetHash" VARCHAR(66) NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "workerAddress" VARCHAR(42) NOT NULL,
    "signature" TEXT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvaluationReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Block_hash_key" ON "Block"("hash");

-- CreateIndex
CREATE INDEX "Block_timestamp_idx" ON "Block"("timestamp");

-- CreateIndex
CREATE INDEX "Block_miner_number_idx" ON "Block"("miner", "number" DESC);

-- CreateIndex
CREATE INDEX "Transaction_from_blockNumber_transactionIndex_idx" ON "Transaction"("from", "blockNumber" DESC, "transactionIndex" DESC);

-- CreateIndex
CREATE INDEX "Transaction_to_blockNumber_transactionIndex_idx" ON "Transaction"("to", "blockNumber" DESC, "transactionIndex" DESC);

-- CreateIndex
CREATE INDEX "Transaction_contractAddress_idx" ON "Transaction"("contractAddress");

-- CreateIndex
CREATE UNIQUE INDEX "Transaction_blockNumber_transactionIndex_key" ON "Transaction"("blockNumber", "transactionIndex");

-- CreateIndex
CREATE INDEX "Log_address_blockNumber_idx" ON "Log"("address", "blockNumber" DESC);

-- CreateIndex
CREATE INDEX "Log_topic0_blockNumber_idx" ON "Log"("topic0", "blockNumber" DESC);

-- CreateIndex
CREATE INDEX "Log_transactionHash_idx" ON "Log"("transactionHash");

-- CreateIndex
CREATE INDEX "Log_eventName_blockNumber_idx" ON "Log"("eventName", "blockNumber" DESC);

-- CreateIndex
CREATE INDEX "Account_balance_idx" ON "Account"("balance" DESC);

-- CreateIndex
CREATE INDEX "Account_lastSeenBlock_idx" ON "Account"("lastSeenBlock" DESC);

-- CreateIndex
CREATE INDEX "Validator_status_stake_idx" ON "Validator"("status", "stake" DESC);

-- CreateIndex
CREATE INDEX "Validator_coldkey_idx" ON "Validator"("coldkey");

-- CreateIndex
CREATE INDEX "ValidatorUptime_fromBlock_idx" ON "ValidatorUptime"("fromBlock");

-- CreateIndex
CREATE UNIQUE INDEX "ValidatorUptime_validatorHotkey_fromBlock_key" ON "ValidatorUptime"("validatorHotkey", "fromBlock");

-- CreateIndex
CREATE INDEX "SlashingEvent_blockNumber_idx" ON "SlashingEvent"("blockNumber" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "SlashingEvent_validatorHotkey_blockNumber_kind_key" ON "SlashingEvent"("validatorHotkey", "blockNumber", "kind");

-- CreateIndex
CREATE INDEX "Subnet_owner_idx" ON "Subnet"("owner");

-- CreateIndex
CREATE INDEX "Neuron_hotkey_idx" ON "Neuron"("hotkey");

-- CreateIndex
CREATE INDEX "Neuron_coldkey_idx" ON "Neuron"("coldkey");

-- CreateIndex
CREATE INDEX "Neuron_modelHash_idx" ON "Neuron"("modelHash");

-- CreateIndex
CREATE UNIQUE INDEX "Neuron_netuid_hotkey_key" ON "Neuron"("netuid", "hotkey");

-- CreateIndex
CREATE INDEX "MetagraphSnapshot_netuid_epoch_idx" ON "MetagraphSnapshot"("netuid", "epoch" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "MetagraphSnapshot_netuid_blockNumber_key" ON "MetagraphSnapshot"("netuid", "blockNumber");

-- CreateIndex
CREATE INDEX "NeuronEpoch_netuid_uid_blockNumber_idx" ON "NeuronEpoch"("netuid", "uid", "blockNumber" DESC);

-- CreateIndex
CREATE INDEX "NeuronEpoch_hotkey_blockNumber_idx" ON "NeuronEpoch"("hotkey", "blockNumber" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "FaucetClaim_txHash_key" ON "FaucetClaim"("txHash");

-- CreateIndex
CREATE INDEX "FaucetClaim_address_createdAt_idx" ON "FaucetClaim"("address", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "FaucetClaim_ip_createdAt_idx" ON "FaucetClaim"("ip", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "FaucetClaim_status_createdAt_idx" ON "FaucetClaim"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Job_status_priority_runAt_idx" ON "Job"("status", "priority" DESC, "runAt");

-- CreateIndex
CREATE INDEX "Job_status_leaseUntil_idx" ON "Job"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "Job_validatorHotkey_createdAt_idx" ON "Job"("validatorHotkey", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "WorkerKey_validatorHotkey_idx" ON "WorkerKey"("validatorHotkey");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationReceipt_jobId_key" ON "EvaluationReceipt"("jobId");

-- CreateIndex
CREATE INDEX "EvaluationReceipt_netuid_validatorHotkey_createdAt_idx" ON "EvaluationReceipt"("netuid", "validatorHotkey", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "EvaluationReceipt_modelHash_idx" ON "EvaluationReceipt"("modelHash");

-- CreateIndex
CREATE INDEX "EvaluationReceipt_minerHotkey_createdAt_idx" ON "EvaluationReceipt"("minerHotkey", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "Transaction" ADD CONSTRAINT "Transaction_blockNumber_fkey" FOREIGN KEY ("blockNumber") REFERENCES "Block"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Log" ADD CONSTRAINT "Log_blockNumber_fkey" FOREIGN KEY ("blockNumber") REFERENCES "Block"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Log" ADD CONSTRAINT "Log_transactionHash_fkey" FOREIGN KEY ("transactionHash") REFERENCES "Transaction"("hash") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ValidatorUptime" ADD CONSTRAINT "ValidatorUptime_validatorHotkey_fkey" FOREIGN KEY ("validatorHotkey") REFERENCES "Validator"("hotkey") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlashingEvent" ADD CONSTRAINT "SlashingEvent_validatorHotkey_fkey" FOREIGN KEY ("validatorHotkey") REFERENCES "Validator"("hotkey") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Neuron" ADD CONSTRAINT "Neuron_netuid_fkey" FOREIGN KEY ("netuid") REFERENCES "Subnet"("netuid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetagraphSnapshot" ADD CONSTRAINT "MetagraphSnapshot_netuid_fkey" FOREIGN KEY ("netuid") REFERENCES "Subnet"("netuid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NeuronEpoch" ADD CONSTRAINT "NeuronEpoch_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "MetagraphSnapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvaluationReceipt" ADD CONSTRAINT "EvaluationReceipt_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

