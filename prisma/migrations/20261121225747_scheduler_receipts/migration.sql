-- AlterTable
ALTER TABLE "EvaluationReceipt" ADD COLUMN     "improvementBps" INTEGER,
ADD COLUMN     "leaf" VARCHAR(66),
ADD COLUMN     "modelStatus" TEXT NOT NULL DEFAULT 'ok',
ADD COLUMN     "parentModelHash" VARCHAR(66),
ADD COLUMN     "parentScoreBps" INTEGER,
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "roundId" UUID,
ADD COLUMN     "scoreBps" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "signedAt" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "WeightRound" (
    "id" UUID NOT NULL,
    "netuid" INTEGER NOT NULL,
    "validatorHotkey" VARCHAR(42) NOT NULL,
    "tempo" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'evaluating',
    "jobs" JSONB NOT NULL,
    "uids" JSONB,
    "weights" JSONB,
    "salt" VARCHAR(66),
    "versionKey" TEXT,
    "receiptsRoot" VARCHAR(66),
    "commitHash" VARCHAR(66),
    "commitTxHash" VARCHAR(66),
    "commitBlock" BIGINT,
    "revealFromBlock" BIGINT,
    "revealUntilBlock" BIGINT,
    "revealTxHash" VARCHAR(66),
    "revealBlock" BIGINT,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WeightRound_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WeightRound_validatorHotkey_status_idx" ON "WeightRound"("validatorHotkey", "status");

-- CreateIndex
CREATE UNIQUE INDEX "WeightRound_netuid_validatorHotkey_tempo_key" ON "WeightRound"("netuid", "validatorHotkey", "tempo");

-- CreateIndex
CREATE INDEX "EvaluationReceipt_netuid_uid_createdAt_idx" ON "EvaluationReceipt"("netuid", "uid", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "EvaluationReceipt_roundId_idx" ON "EvaluationReceipt"("roundId");

-- AddForeignKey
ALTER TABLE "EvaluationReceipt" ADD CONSTRAINT "EvaluationReceipt_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "WeightRound"("id") ON DELETE SET NULL ON UPDATE CASCADE;

