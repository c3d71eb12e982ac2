-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "run_at" TIMESTAMPTZ(3),
ALTER COLUMN "schedule" DROP NOT NULL;
