-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OverlapPolicy" AS ENUM ('allow', 'forbid');

-- CreateEnum
CREATE TYPE "MisfirePolicy" AS ENUM ('run_once', 'skip');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'abandoned', 'skipped', 'retry_pending');

-- CreateTable
CREATE TABLE "jobs" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "schedule" VARCHAR(200) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL DEFAULT 'UTC',
    "type" VARCHAR(64) NOT NULL DEFAULT 'log',
    "params" JSONB NOT NULL DEFAULT '{}',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "overlap_policy" "OverlapPolicy" NOT NULL DEFAULT 'allow',
    "misfire_policy" "MisfirePolicy" NOT NULL DEFAULT 'run_once',
    "max_attempts" INTEGER NOT NULL DEFAULT 1,
    "retry_backoff_ms" INTEGER NOT NULL DEFAULT 1000,
    "timeout_ms" INTEGER NOT NULL DEFAULT 60000,
    "last_run" TIMESTAMPTZ(3),
    "last_status" "RunStatus",
    "next_run" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_runs" (
    "id" BIGSERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "status" "RunStatus" NOT NULL,
    "instance_id" VARCHAR(200),
    "run_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "error" TEXT,
    "output" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "jobs_name_key" ON "jobs"("name");

-- CreateIndex
CREATE INDEX "jobs_due_idx" ON "jobs"("next_run") WHERE ("is_active" = true);

-- CreateIndex
CREATE INDEX "jobs_type_idx" ON "jobs"("type");

-- CreateIndex
CREATE INDEX "job_runs_job_id_id_idx" ON "job_runs"("job_id", "id" DESC);

-- CreateIndex
CREATE INDEX "job_runs_retry_due_idx" ON "job_runs"("run_at") WHERE ("status" = 'retry_pending');

-- CreateIndex
CREATE INDEX "job_runs_running_idx" ON "job_runs"("job_id", "lease_expires_at") WHERE ("status" = 'running');

-- CreateIndex
CREATE INDEX "job_runs_finished_at_idx" ON "job_runs"("finished_at");

-- CreateIndex
CREATE UNIQUE INDEX "job_runs_job_id_scheduled_for_attempt_key" ON "job_runs"("job_id", "scheduled_for", "attempt");

-- AddForeignKey
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
