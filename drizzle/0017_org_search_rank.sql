-- Org name search (issue 8). No query uses the pg_trgm index on full_name: the org search and the
-- TR-7 target search match names through the gram index (0003) and confirm with strpos() or
-- lower() LIKE, which pg_trgm cannot serve, and nothing else filters orgs by full name. 19 MB at
-- province scale and a GIN update on every org write. The one on name stays: the graduation
-- campaign's regular expression on branch names (TR-12, `name ~ '(19|20)[0-9]{2}级'`) uses it
-- (province scope: 81 ms with it, 107–184 ms without).
DROP INDEX IF EXISTS "orgs_full_name_trgm_idx";--> statement-breakpoint
-- The search's result order (depth, char_length(name), name, id), walked with a LIMIT for terms so
-- common that ranking every match costs more than walking until the page is full. “团” is in every
-- org's full name: ranked among all 228,117 matches it took 17 s (the planner scanned the table and
-- computed zh_grams for every row), walked 0.1 ms. It carries what the walk checks (scope, kind,
-- both names), so a vacuumed table is not read at all. Not in src/db/schema: drizzle cannot declare
-- INCLUDE columns.
CREATE INDEX IF NOT EXISTS "orgs_search_rank_idx" ON "orgs" USING btree ("depth", char_length("name"), "name", "id") INCLUDE ("path", "kind", "full_name") WHERE "deleted_at" IS NULL;
