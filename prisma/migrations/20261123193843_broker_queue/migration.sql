-- CreateIndex
CREATE INDEX "job_runs_queued_idx" ON "job_runs"("run_at") WHERE ("status" = 'queued');
