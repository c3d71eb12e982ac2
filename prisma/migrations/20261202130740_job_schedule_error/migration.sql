-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "schedule_error" TEXT;
