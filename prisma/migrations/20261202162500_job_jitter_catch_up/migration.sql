-- AlterEnum
ALTER TYPE "AuditAction" ADD VALUE 'backfill';

-- AlterEnum
ALTER TYPE "MisfirePolicy" ADD VALUE 'run_all';

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "jitter_ms" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "max_catch_up" INTEGER NOT NULL DEFAULT 10;
