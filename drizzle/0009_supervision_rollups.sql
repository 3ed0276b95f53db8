-- ST-1…ST-5 rollups (see docs/DECISIONS.md "Supervision rollups"). Self-contained and re-runnable:
-- types are created if missing, functions replaced, triggers dropped and re-created, and the
-- rollups rebuilt from scratch at the end.
--
-- Two levels:
--   branch_stats(branch_id)  member counts per branch, from STATEMENT-level triggers on members;
--   org_rollups(org_id)      the sum over an org's whole subtree (itself included) of its branches'
--                            counts and org facts, from the same member triggers (a branch's change
--                            is added to every ancestor on its path) and from triggers on orgs (a
--                            changed org row subtracts its old contribution at its old path and adds
--                            its new one at its new path, which is how a move re-parents counts).
-- Statement-level triggers with transition tables turn a bulk import or a subtree move into one
-- aggregated upsert per affected org instead of one per row. Ancestor rows are upserted in org-id
-- order so concurrent writers lock them in the same order (no deadlock).
DO $$ BEGIN
  CREATE TYPE sup_member_delta AS (branch_id int, active int, complete int, since_2017 int, since_2019 int, late_2019 int);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
--> statement-breakpoint
DO $$ BEGIN
  CREATE TYPE sup_rollup_delta AS (
    path text, members_active int, members_complete int, members_since_2017 int, members_since_2019 int,
    members_late_2019 int, branches int, branches_entered int, school_branches int, school_branches_marked int,
    school_members int, schools int);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sup_path_ids(p text) RETURNS int[] LANGUAGE sql IMMUTABLE AS $$
  SELECT string_to_array(btrim(p, '/'), '/')::int[]
$$;
--> statement-breakpoint
-- ST-4: a live, ordinary (not special) branch of the school domain (ORG-4's five school categories).
CREATE OR REPLACE FUNCTION sup_is_school_branch(o orgs) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT o.kind::text = 'BRANCH' AND o.special_kind IS NULL AND o.deleted_at IS NULL
     AND o.industry_category::text IN ('HIGHER_EDUCATION', 'VOCATIONAL_SCHOOL', 'HIGH_SCHOOL', 'MIDDLE_SCHOOL', 'PRIMARY_SCHOOL')
$$;
--> statement-breakpoint
-- What one member row contributes to its branch, times s (+1 added, -1 removed). Mirrors
-- src/domain/supervision.ts memberFigures(): active, complete profile (ST-2), joined 2017+ and
-- 2019+ (ST-3), and 2019+ entered more than a month after admission (MEM-4, China time).
CREATE OR REPLACE FUNCTION sup_member_vector(m members, s int) RETURNS sup_member_delta LANGUAGE sql STABLE AS $$
  SELECT ROW(
    m.branch_id,
    s * (m.status::text = 'ACTIVE')::int,
    s * (m.status::text = 'ACTIVE' AND m.profile_complete)::int,
    s * (m.status::text = 'ACTIVE' AND m.joined_league_at >= '2017')::int,
    s * (m.status::text = 'ACTIVE' AND m.joined_league_at >= '2019')::int,
    s * (m.status::text = 'ACTIVE' AND m.joined_league_at >= '2019' AND m.admitted_at IS NOT NULL
         AND ((m.created_at AT TIME ZONE 'UTC') + interval '8 hours')::date > (m.admitted_at + interval '1 month')::date)::int
  )::sup_member_delta
$$;
--> statement-breakpoint
-- What one org row contributes to itself and every ancestor, times s, given its branch's counts now.
CREATE OR REPLACE FUNCTION sup_org_vector(o orgs, s int) RETURNS sup_rollup_delta LANGUAGE sql STABLE AS $$
  SELECT ROW(
    o.path,
    s * coalesce(b.active, 0), s * coalesce(b.complete, 0), s * coalesce(b.since_2017, 0),
    s * coalesce(b.since_2019, 0), s * coalesce(b.late_2019, 0),
    s * (o.kind::text = 'BRANCH' AND o.deleted_at IS NULL)::int,
    s * (o.kind::text = 'BRANCH' AND o.deleted_at IS NULL AND coalesce(b.active, 0) > 0)::int,
    s * sup_is_school_branch(o)::int,
    s * (sup_is_school_branch(o) AND (o.graduation_at IS NOT NULL OR o.graduation_exempt_reason IS NOT NULL))::int,
    s * CASE WHEN sup_is_school_branch(o) THEN coalesce(b.active, 0) ELSE 0 END,
    s * (o.deleted_at IS NULL AND o.school_code IS NOT NULL)::int
  )::sup_rollup_delta
  FROM (SELECT 1) AS one LEFT JOIN branch_stats b ON b.branch_id = o.id
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sup_apply_rollup_delta(d sup_rollup_delta[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO org_rollups AS r (org_id, members_active, members_complete, members_since_2017, members_since_2019,
    members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools)
  SELECT a.id, sum(v.members_active), sum(v.members_complete), sum(v.members_since_2017), sum(v.members_since_2019),
         sum(v.members_late_2019), sum(v.branches), sum(v.branches_entered), sum(v.school_branches),
         sum(v.school_branches_marked), sum(v.school_members), sum(v.schools)
    FROM unnest(d) AS v CROSS JOIN LATERAL unnest(sup_path_ids(v.path)) AS a(id)
   GROUP BY a.id
  HAVING sum(abs(v.members_active)) + sum(abs(v.members_complete)) + sum(abs(v.members_since_2017)) + sum(abs(v.members_since_2019))
       + sum(abs(v.members_late_2019)) + sum(abs(v.branches)) + sum(abs(v.branches_entered)) + sum(abs(v.school_branches))
       + sum(abs(v.school_branches_marked)) + sum(abs(v.school_members)) + sum(abs(v.schools)) > 0
   ORDER BY a.id
  ON CONFLICT (org_id) DO UPDATE SET
    members_active = r.members_active + excluded.members_active,
    members_complete = r.members_complete + excluded.members_complete,
    members_since_2017 = r.members_since_2017 + excluded.members_since_2017,
    members_since_2019 = r.members_since_2019 + excluded.members_since_2019,
    members_late_2019 = r.members_late_2019 + excluded.members_late_2019,
    branches = r.branches + excluded.branches,
    branches_entered = r.branches_entered + excluded.branches_entered,
    school_branches = r.school_branches + excluded.school_branches,
    school_branches_marked = r.school_branches_marked + excluded.school_branches_marked,
    school_members = r.school_members + excluded.school_members,
    schools = r.schools + excluded.schools
$$;
--> statement-breakpoint
-- Member deltas: per-branch sums are added to branch_stats and, through the branch's current path,
-- to every ancestor. A branch becomes 完成录入 (ST-2) when its active count leaves 0 and stops being
-- so when it returns to 0. Race-free under concurrency:
--   * the branch org rows are locked FOR SHARE first (in id order): a concurrent move or change of
--     the branch (which holds the row exclusively) finishes first, and the locked read returns the
--     branch's latest path, so the deltas land on the ancestors the branch has now;
--   * the before/after count comes from the branch_stats upsert's RETURNING (the row lock makes it
--     the latest committed value plus ours), never from a snapshot another writer may have changed.
CREATE OR REPLACE FUNCTION sup_apply_member_delta(d sup_member_delta[]) RETURNS void LANGUAGE sql AS $$
  WITH agg AS (
    SELECT x.branch_id, sum(x.active)::int AS active, sum(x.complete)::int AS complete, sum(x.since_2017)::int AS since_2017,
           sum(x.since_2019)::int AS since_2019, sum(x.late_2019)::int AS late_2019
      FROM unnest(d) AS x GROUP BY x.branch_id
    HAVING sum(x.active) <> 0 OR sum(x.complete) <> 0 OR sum(x.since_2017) <> 0 OR sum(x.since_2019) <> 0 OR sum(x.late_2019) <> 0
  ), branch AS (
    SELECT o.id, o.path, (o.kind::text = 'BRANCH' AND o.deleted_at IS NULL) AS live_branch, sup_is_school_branch(o) AS school
      FROM orgs o WHERE o.id IN (SELECT branch_id FROM agg) ORDER BY o.id FOR SHARE
  ), up AS (
    INSERT INTO branch_stats AS b (branch_id, active, complete, since_2017, since_2019, late_2019)
    SELECT a.branch_id, a.active, a.complete, a.since_2017, a.since_2019, a.late_2019
      FROM agg a WHERE (SELECT count(*) FROM branch) >= 0 ORDER BY a.branch_id
    ON CONFLICT (branch_id) DO UPDATE SET
      active = b.active + excluded.active, complete = b.complete + excluded.complete,
      since_2017 = b.since_2017 + excluded.since_2017, since_2019 = b.since_2019 + excluded.since_2019,
      late_2019 = b.late_2019 + excluded.late_2019
    RETURNING b.branch_id, b.active
  )
  SELECT sup_apply_rollup_delta(ARRAY(
    SELECT ROW(br.path, a.active, a.complete, a.since_2017, a.since_2019, a.late_2019, 0,
      CASE WHEN br.live_branch THEN (u.active > 0)::int - (u.active - a.active > 0)::int ELSE 0 END,
      0, 0,
      CASE WHEN br.school THEN a.active ELSE 0 END,
      0)::sup_rollup_delta
      FROM agg a JOIN up u ON u.branch_id = a.branch_id JOIN branch br ON br.id = a.branch_id))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sup_members_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM sup_apply_member_delta(ARRAY(SELECT sup_member_vector(n, 1) FROM new_rows n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM sup_apply_member_delta(ARRAY(SELECT sup_member_vector(o, -1) FROM old_rows o));
  ELSE
    -- Only rows whose counted facts changed: a subtree move rewrites org_path of many members and
    -- changes nothing here (their branch's counts move with the branch's org row).
    PERFORM sup_apply_member_delta(ARRAY(
      SELECT v FROM new_rows n JOIN old_rows o ON o.id = n.id
       CROSS JOIN LATERAL (VALUES (sup_member_vector(n, 1)), (sup_member_vector(o, -1))) AS t(v)
       WHERE (n.branch_id, n.status, n.profile_complete, n.joined_league_at, n.admitted_at, n.created_at)
             IS DISTINCT FROM (o.branch_id, o.status, o.profile_complete, o.joined_league_at, o.admitted_at, o.created_at)));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sup_orgs_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM sup_apply_rollup_delta(ARRAY(SELECT sup_org_vector(n, 1) FROM new_rows n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM sup_apply_rollup_delta(ARRAY(SELECT sup_org_vector(o, -1) FROM old_rows o));
  ELSE
    PERFORM sup_apply_rollup_delta(ARRAY(
      SELECT v FROM new_rows n JOIN old_rows o ON o.id = n.id
       CROSS JOIN LATERAL (VALUES (sup_org_vector(n, 1)), (sup_org_vector(o, -1))) AS t(v)
       WHERE (n.path, n.kind, n.special_kind, n.industry_category, n.school_code, n.graduation_at, n.graduation_exempt_reason, n.deleted_at)
             IS DISTINCT FROM (o.path, o.kind, o.special_kind, o.industry_category, o.school_code, o.graduation_at, o.graduation_exempt_reason, o.deleted_at)));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS sup_members_ins ON members;
--> statement-breakpoint
DROP TRIGGER IF EXISTS sup_members_upd ON members;
--> statement-breakpoint
DROP TRIGGER IF EXISTS sup_members_del ON members;
--> statement-breakpoint
DROP TRIGGER IF EXISTS sup_orgs_ins ON orgs;
--> statement-breakpoint
DROP TRIGGER IF EXISTS sup_orgs_upd ON orgs;
--> statement-breakpoint
DROP TRIGGER IF EXISTS sup_orgs_del ON orgs;
--> statement-breakpoint
CREATE TRIGGER sup_members_ins AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sup_members_rollup();
--> statement-breakpoint
CREATE TRIGGER sup_members_upd AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sup_members_rollup();
--> statement-breakpoint
CREATE TRIGGER sup_members_del AFTER DELETE ON members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sup_members_rollup();
--> statement-breakpoint
CREATE TRIGGER sup_orgs_ins AFTER INSERT ON orgs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sup_orgs_rollup();
--> statement-breakpoint
CREATE TRIGGER sup_orgs_upd AFTER UPDATE ON orgs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sup_orgs_rollup();
--> statement-breakpoint
CREATE TRIGGER sup_orgs_del AFTER DELETE ON orgs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sup_orgs_rollup();
--> statement-breakpoint
-- Recomputes both tables from scratch (backfill now; a repair tool if ever needed).
CREATE OR REPLACE FUNCTION sup_rebuild_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM org_rollups;
  DELETE FROM branch_stats;
  INSERT INTO branch_stats (branch_id, active, complete, since_2017, since_2019, late_2019)
  SELECT (v).branch_id, sum((v).active), sum((v).complete), sum((v).since_2017), sum((v).since_2019), sum((v).late_2019)
    FROM (SELECT sup_member_vector(m, 1) AS v FROM members m) s GROUP BY 1;
  PERFORM sup_apply_rollup_delta(ARRAY(SELECT sup_org_vector(o, 1) FROM orgs o));
END
$$;
--> statement-breakpoint
SELECT sup_rebuild_rollups();
