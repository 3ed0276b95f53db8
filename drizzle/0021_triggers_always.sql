-- Issue 8: our own triggers fire in every session, whatever its session_replication_role. The TR-5
-- sweep runs its set statements with session_replication_role = replica, so that PostgreSQL skips the
-- per-row foreign-key checks of rows whose every reference the sweep has already proved
-- (src/jobs/transfer-deadlines.ts); the members' rollup triggers must still run there. The orgs'
-- rollups and the audit log's append-only guards hold likewise for any session that sets replica.
ALTER TABLE "members" ENABLE ALWAYS TRIGGER "sup_members_ins";--> statement-breakpoint
ALTER TABLE "members" ENABLE ALWAYS TRIGGER "sup_members_upd";--> statement-breakpoint
ALTER TABLE "members" ENABLE ALWAYS TRIGGER "sup_members_del";--> statement-breakpoint
ALTER TABLE "orgs" ENABLE ALWAYS TRIGGER "sup_orgs_ins";--> statement-breakpoint
ALTER TABLE "orgs" ENABLE ALWAYS TRIGGER "sup_orgs_upd";--> statement-breakpoint
ALTER TABLE "orgs" ENABLE ALWAYS TRIGGER "sup_orgs_del";--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ALWAYS TRIGGER "audit_log_append_only";--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ALWAYS TRIGGER "audit_log_no_truncate";
