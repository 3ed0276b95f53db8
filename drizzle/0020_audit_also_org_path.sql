-- Issue 8: a transfer's completion was logged twice, once under the old branch's path and once under
-- the new one's, so that each side's admins see it; an admin over both saw it twice, and the TR-5
-- sweep wrote 10,000 extra audit rows per 10,000 nodes. Now one row: the old branch in org_path, the
-- new one in also_org_path, and the log is browsed by either (src/server/modules/audit). Rows written
-- before stay as they are (the log is append-only and sealed).
ALTER TABLE "audit_log" ADD COLUMN "also_org_path" text COLLATE "C";--> statement-breakpoint
CREATE INDEX "audit_log_also_org_path_idx" ON "audit_log" USING btree ("also_org_path","id") WHERE "audit_log"."also_org_path" IS NOT NULL;