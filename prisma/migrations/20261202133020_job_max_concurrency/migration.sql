-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "max_concurrency" INTEGER;
