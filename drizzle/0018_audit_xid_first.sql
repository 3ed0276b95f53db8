-- Issue 7 item 4: the sealing job learns which audit rows are final from transaction ids, not from a
-- table lock (src/server/audit-chain.ts, `committedHorizon`). For that every audit id must be drawn
-- by a transaction that already has its transaction id: an insert gets one only when it writes the
-- heap tuple, after the column default has drawn the id, so the default assigns it first. The
-- sequence stays the bigserial's own (CACHE 1, owned by audit_log.id); src/db/schema still declares
-- bigserial, which drizzle-kit cannot express otherwise and which is what the table is apart from the
-- default. Every insert omits id (writeAudit, writeAuditMany, the import and the transfer engine).
CREATE OR REPLACE FUNCTION audit_log_next_id() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_current_xact_id();
  RETURN nextval('audit_log_id_seq'::regclass);
END
$$;
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "id" SET DEFAULT audit_log_next_id();
