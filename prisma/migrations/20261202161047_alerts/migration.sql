-- CreateEnum
CREATE TYPE "AlertEvent" AS ENUM ('failed', 'recovered', 'missed');

-- CreateEnum
CREATE TYPE "AlertDeliveryStatus" AS ENUM ('pending', 'delivered', 'undeliverable');

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "notify" JSONB;

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "run_id" BIGINT,
    "event" "AlertEvent" NOT NULL,
    "event_key" VARCHAR(200) NOT NULL,
    "target_index" INTEGER NOT NULL,
    "target" JSONB NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "AlertDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "response_status" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_deliveries_job_id_id_idx" ON "alert_deliveries"("job_id", "id" DESC);

-- CreateIndex
CREATE INDEX "alert_deliveries_pending_idx" ON "alert_deliveries"("next_attempt_at") WHERE ("status" = 'pending');

-- CreateIndex
CREATE UNIQUE INDEX "alert_deliveries_event_key_target_index_key" ON "alert_deliveries"("event_key", "target_index");

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
