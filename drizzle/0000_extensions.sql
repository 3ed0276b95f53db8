-- Trigram search over org names (ORG search, TR target search). Trusted since PostgreSQL 13, so a
-- database owner may create it; PGlite loads it from @electric-sql/pglite/contrib/pg_trgm.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
