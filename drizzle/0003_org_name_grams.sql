-- Org name search for Chinese (ORG search, TR target search). pg_trgm needs three characters, but
-- most searches are two (“西溪”, “团委”), so a GIN index over every single character and every pair
-- of adjacent characters of the short and full name answers those too; ILIKE then confirms the match.
CREATE OR REPLACE FUNCTION zh_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
  FROM (
    SELECT lower(substr(t, i, 1)) AS g FROM generate_series(1, char_length(t)) AS i
    UNION
    SELECT lower(substr(t, i, 2)) FROM generate_series(1, char_length(t) - 1) AS i
  ) AS grams
  WHERE g !~ '\s'
$$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS orgs_name_grams_idx ON orgs USING gin (zh_grams(name || ' ' || full_name));
