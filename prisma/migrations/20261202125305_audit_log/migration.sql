-- CreateEnum
CREATE TYPE "AuditAction" AS ENUM ('create', 'update', 'delete', 'pause', 'resume', 'run');

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" VARCHAR(200) NOT NULL,
    "via" VARCHAR(16) NOT NULL,
    "address" VARCHAR(64),
    "action" "AuditAction" NOT NULL,
    "job_id" INTEGER NOT NULL,
    "job_name" VARCHAR(200) NOT NULL,
    "run_id" BIGINT,
    "changes" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_entries_job_id_id_idx" ON "audit_entries"("job_id", "id" DESC);

-- CreateIndex
CREATE INDEX "audit_entries_at_idx" ON "audit_entries"("at");

-- CreateIndex
CREATE INDEX "audit_entries_actor_id_idx" ON "audit_entries"("actor", "id" DESC);
