-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "tags" VARCHAR(64)[] DEFAULT ARRAY[]::VARCHAR(64)[];

-- CreateIndex
CREATE INDEX "jobs_tags_idx" ON "jobs" USING GIN ("tags");
