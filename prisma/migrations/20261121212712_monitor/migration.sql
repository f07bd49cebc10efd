-- CreateEnum
CREATE TYPE "MonitorAlertKind" AS ENUM ('node_down', 'chain_stalled', 'validator_jailed', 'validator_slashed', 'faucet_low');

-- CreateEnum
CREATE TYPE "MonitorAlertSeverity" AS ENUM ('warning', 'critical');

-- CreateTable
CREATE TABLE "MonitorAlert" (
    "id" BIGSERIAL NOT NULL,
    "key" VARCHAR(200) NOT NULL,
    "kind" "MonitorAlertKind" NOT NULL,
    "severity" "MonitorAlertSeverity" NOT NULL,
    "message" TEXT NOT NULL,
    "details" JSONB,
    "openedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "MonitorAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MonitorSample" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "height" BIGINT,
    "healthyNodes" INTEGER NOT NULL,
    "totalNodes" INTEGER NOT NULL,
    "validators" INTEGER,
    "blockTimeMs" DOUBLE PRECISION,
    "txPerSec" DOUBLE PRECISION,
    "nodes" JSONB NOT NULL,

    CONSTRAINT "MonitorSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MonitorAlert_resolvedAt_key_idx" ON "MonitorAlert"("resolvedAt", "key");

-- CreateIndex
CREATE INDEX "MonitorAlert_openedAt_idx" ON "MonitorAlert"("openedAt" DESC);

-- CreateIndex
CREATE INDEX "MonitorSample_at_idx" ON "MonitorSample"("at");


-- At most one open alert per key, whatever runs the checks (hand-written: Prisma's schema
-- language has no partial unique index).
CREATE UNIQUE INDEX "MonitorAlert_open_key" ON "MonitorAlert"("key") WHERE "resolvedAt" IS NULL;
