-- Issue 8 (the TR-5 sweep writes 30,000 audit rows per 10,000 nodes): two per-row costs of every
-- audit insert, measured on fresh copies of the province database (docs/PERFORMANCE.md, 2026-11-24).
--
-- 1. The unique index of the seal's seq held an entry for every unsealed row (seq NULL), which no
--    uniqueness check or query needs: every query by seq asks for sealed rows (`seq IS NOT NULL`,
--    `seq > n`). Sealed rows get their entry when the seal sets seq, as before.
DROP INDEX "audit_log_seq_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_seq_idx" ON "audit_log" USING btree ("seq") WHERE "audit_log"."seq" IS NOT NULL;--> statement-breakpoint
-- 2. The id default (drizzle/0018) was a PL/pgSQL function, called once per row. As a one-expression
--    SQL function the planner inlines it into the insert: the same two calls in the same order (CASE
--    evaluates its condition first, so the transaction has its id before the sequence is read), at
--    about half the cost per row.
CREATE OR REPLACE FUNCTION audit_log_next_id() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('audit_log_id_seq'::regclass) END
$$;
