-- AlterTable
ALTER TABLE "audit_entries" ALTER COLUMN "job_id" DROP NOT NULL,
ALTER COLUMN "job_name" DROP NOT NULL;

-- CreateTable
CREATE TABLE "scheduler_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changed_by" VARCHAR(200),

    CONSTRAINT "scheduler_state_pkey" PRIMARY KEY ("id")
);
