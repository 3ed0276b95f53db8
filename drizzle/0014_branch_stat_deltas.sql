-- Per-branch member counts without a shared row to wait for (issue 6/7: 50 clients approving transfers
-- into one 学社衔接临时团支部 queued on that branch's branch_stats row until each commit). As 0010 did
-- for org_rollups, member writes now append delta rows that no other writer touches, the fold job moves
-- them into the base table, and `branch_stats` becomes a view of base + pending deltas.
--
-- The one figure that needed the row lock is ST-2's 完成录入 (branches_entered: live branches with at
-- least one active member), which changes when a branch's count crosses 0. It is now kept so:
--   * org_rollups_base/org_rollup_deltas count a branch as entered by its BASE count (branch_stats_base):
--     sup_org_vector uses the base count for it, and the fold adds the crossing of base → base + deltas
--     at the branch's current path when it moves the deltas into the base;
--   * the org_rollups view adds, for branches with pending deltas, the crossing of base → base + pending
--     at their current path, so every reader sees the exact figure whether folded or not.
-- The member-count figures are unchanged: member writes still add them to org_rollup_deltas at the
-- branch's path, under the branch org row locked FOR SHARE (moves serialize with writers as before).
ALTER TABLE branch_stats RENAME TO branch_stats_base;
--> statement-breakpoint
CREATE TABLE branch_stat_deltas (
  id bigserial PRIMARY KEY,
  branch_id integer NOT NULL,
  active integer NOT NULL DEFAULT 0,
  complete integer NOT NULL DEFAULT 0,
  since_2017 integer NOT NULL DEFAULT 0,
  since_2019 integer NOT NULL DEFAULT 0,
  late_2019 integer NOT NULL DEFAULT 0
);
--> statement-breakpoint
CREATE INDEX branch_stat_deltas_branch_idx ON branch_stat_deltas (branch_id);
--> statement-breakpoint
CREATE VIEW branch_stats AS
  SELECT branch_id, sum(active)::int AS active, sum(complete)::int AS complete, sum(since_2017)::int AS since_2017,
         sum(since_2019)::int AS since_2019, sum(late_2019)::int AS late_2019
    FROM (SELECT branch_id, active, complete, since_2017, since_2019, late_2019 FROM branch_stats_base
          UNION ALL
          SELECT branch_id, active, complete, since_2017, since_2019, late_2019 FROM branch_stat_deltas) AS u
   GROUP BY branch_id;
--> statement-breakpoint
-- Pending crossings of 0 (see above), spread over the ancestors of the branch's current path.
CREATE VIEW sup_pending_entered AS
  SELECT a.id AS org_id, c.entered
    FROM (SELECT d.branch_id, sum(d.active)::int AS pending FROM branch_stat_deltas d GROUP BY d.branch_id) AS p
    JOIN orgs o ON o.id = p.branch_id AND o.kind = 'BRANCH' AND o.deleted_at IS NULL
    LEFT JOIN branch_stats_base b ON b.branch_id = p.branch_id
   CROSS JOIN LATERAL (SELECT (coalesce(b.active, 0) + p.pending > 0)::int - (coalesce(b.active, 0) > 0)::int AS entered) AS c
   CROSS JOIN LATERAL unnest(sup_path_ids(o.path)) AS a(id)
   WHERE c.entered <> 0;
--> statement-breakpoint
CREATE OR REPLACE VIEW org_rollups AS
  SELECT org_id, sum(members_active)::int AS members_active, sum(members_complete)::int AS members_complete, sum(members_since_2017)::int AS members_since_2017, sum(members_since_2019)::int AS members_since_2019, sum(members_late_2019)::int AS members_late_2019, sum(branches)::int AS branches, sum(branches_entered)::int AS branches_entered, sum(school_branches)::int AS school_branches, sum(school_branches_marked)::int AS school_branches_marked, sum(school_members)::int AS school_members, sum(schools)::int AS schools
    FROM (SELECT org_id, members_active, members_complete, members_since_2017, members_since_2019, members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools FROM org_rollups_base
          UNION ALL
          SELECT org_id, members_active, members_complete, members_since_2017, members_since_2019, members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools FROM org_rollup_deltas
          UNION ALL
          SELECT org_id, 0, 0, 0, 0, 0, 0, entered, 0, 0, 0, 0 FROM sup_pending_entered) AS u
   GROUP BY org_id;
--> statement-breakpoint
-- An org's contribution: member figures from the full count (base + committed deltas, like the deltas
-- already added at its path), 完成录入 from the base count (the pending part is the view's correction).
CREATE OR REPLACE FUNCTION sup_org_vector(o orgs, s int) RETURNS sup_rollup_delta LANGUAGE sql STABLE AS $$
  SELECT ROW(
    o.path,
    s * coalesce(f.active, 0), s * coalesce(f.complete, 0), s * coalesce(f.since_2017, 0),
    s * coalesce(f.since_2019, 0), s * coalesce(f.late_2019, 0),
    s * (o.kind::text = 'BRANCH' AND o.deleted_at IS NULL)::int,
    s * (o.kind::text = 'BRANCH' AND o.deleted_at IS NULL AND coalesce(bb.active, 0) > 0)::int,
    s * sup_is_school_branch(o)::int,
    s * (sup_is_school_branch(o) AND (o.graduation_at IS NOT NULL OR o.graduation_exempt_reason IS NOT NULL))::int,
    s * CASE WHEN sup_is_school_branch(o) THEN coalesce(f.active, 0) ELSE 0 END,
    s * (o.deleted_at IS NULL AND o.school_code IS NOT NULL)::int
  )::sup_rollup_delta
  FROM (SELECT 1) AS one
  LEFT JOIN branch_stats_base bb ON bb.branch_id = o.id
  LEFT JOIN LATERAL (SELECT * FROM branch_stats x WHERE x.branch_id = o.id) AS f ON true
$$;
--> statement-breakpoint
-- Member deltas: appended per branch and added to every ancestor through the branch's current path.
-- The branch org rows are locked FOR SHARE first (in id order) so that a concurrent move or change of
-- the branch finishes first and the locked read returns its latest path; writers share that lock, so
-- they no longer wait for each other.
CREATE OR REPLACE FUNCTION sup_apply_member_delta(d sup_member_delta[]) RETURNS void LANGUAGE sql AS $$
  WITH agg AS (
    SELECT x.branch_id, sum(x.active)::int AS active, sum(x.complete)::int AS complete, sum(x.since_2017)::int AS since_2017,
           sum(x.since_2019)::int AS since_2019, sum(x.late_2019)::int AS late_2019
      FROM unnest(d) AS x GROUP BY x.branch_id
    HAVING sum(x.active) <> 0 OR sum(x.complete) <> 0 OR sum(x.since_2017) <> 0 OR sum(x.since_2019) <> 0 OR sum(x.late_2019) <> 0
  ), branch AS (
    SELECT o.id, o.path, sup_is_school_branch(o) AS school
      FROM orgs o WHERE o.id IN (SELECT branch_id FROM agg) ORDER BY o.id FOR SHARE
  ), ins AS (
    INSERT INTO branch_stat_deltas (branch_id, active, complete, since_2017, since_2019, late_2019)
    SELECT a.branch_id, a.active, a.complete, a.since_2017, a.since_2019, a.late_2019
      FROM agg a WHERE (SELECT count(*) FROM branch) >= 0
    RETURNING 1
  )
  SELECT sup_apply_rollup_delta(ARRAY(
    SELECT ROW(br.path, a.active, a.complete, a.since_2017, a.since_2019, a.late_2019, 0, 0, 0, 0,
      CASE WHEN br.school THEN a.active ELSE 0 END, 0)::sup_rollup_delta
      FROM agg a JOIN branch br ON br.id = a.branch_id WHERE (SELECT count(*) FROM ins) >= 0))
$$;
--> statement-breakpoint
-- Moves every committed branch delta into branch_stats_base and adds each live branch's crossing of 0
-- at its current path (the org row locked FOR SHARE, as writers do, so a concurrent move finishes
-- first and the locked read returns the new path).
CREATE OR REPLACE FUNCTION sup_fold_branch_deltas() RETURNS void LANGUAGE sql AS $$
  WITH moved AS (DELETE FROM branch_stat_deltas RETURNING *),
  agg AS (
    SELECT branch_id, sum(active)::int AS active, sum(complete)::int AS complete, sum(since_2017)::int AS since_2017,
           sum(since_2019)::int AS since_2019, sum(late_2019)::int AS late_2019
      FROM moved GROUP BY branch_id
  ), br AS (
    SELECT o.id, o.path, (o.kind::text = 'BRANCH' AND o.deleted_at IS NULL) AS live
      FROM orgs o WHERE o.id IN (SELECT branch_id FROM agg) ORDER BY o.id FOR SHARE
  ), up AS (
    INSERT INTO branch_stats_base AS b (branch_id, active, complete, since_2017, since_2019, late_2019)
    SELECT a.branch_id, a.active, a.complete, a.since_2017, a.since_2019, a.late_2019
      FROM agg a WHERE (SELECT count(*) FROM br) >= 0 ORDER BY a.branch_id
    ON CONFLICT (branch_id) DO UPDATE SET
      active = b.active + excluded.active, complete = b.complete + excluded.complete,
      since_2017 = b.since_2017 + excluded.since_2017, since_2019 = b.since_2019 + excluded.since_2019,
      late_2019 = b.late_2019 + excluded.late_2019
    RETURNING b.branch_id, b.active
  )
  SELECT sup_apply_rollup_delta(ARRAY(
    SELECT ROW(br.path, 0, 0, 0, 0, 0, 0, (u.active > 0)::int - (u.active - a.active > 0)::int, 0, 0, 0, 0)::sup_rollup_delta
      FROM agg a JOIN up u ON u.branch_id = a.branch_id JOIN br ON br.id = a.branch_id
     WHERE br.live))
$$;
--> statement-breakpoint
-- The branch deltas first (their crossings become rollup deltas), then every committed rollup delta
-- into org_rollups_base: one transaction, so a reader sees the figures before or after, never half.
CREATE OR REPLACE FUNCTION sup_fold_rollup_deltas() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  PERFORM sup_fold_branch_deltas();
  WITH moved AS (DELETE FROM org_rollup_deltas RETURNING *),
  agg AS (SELECT org_id, sum(members_active), sum(members_complete), sum(members_since_2017), sum(members_since_2019), sum(members_late_2019), sum(branches), sum(branches_entered), sum(school_branches), sum(school_branches_marked), sum(school_members), sum(schools) FROM moved GROUP BY org_id),
  up AS (
    INSERT INTO org_rollups_base AS r (org_id, members_active, members_complete, members_since_2017, members_since_2019, members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools)
    SELECT * FROM agg ORDER BY org_id
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
    RETURNING 1)
  SELECT count(*)::int INTO n FROM up;
  RETURN n;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sup_rebuild_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM org_rollups_base;
  DELETE FROM org_rollup_deltas;
  DELETE FROM branch_stats_base;
  DELETE FROM branch_stat_deltas;
  INSERT INTO branch_stats_base (branch_id, active, complete, since_2017, since_2019, late_2019)
  SELECT (v).branch_id, sum((v).active), sum((v).complete), sum((v).since_2017), sum((v).since_2019), sum((v).late_2019)
    FROM (SELECT sup_member_vector(m, 1) AS v FROM members m) s GROUP BY 1;
  PERFORM sup_apply_rollup_delta(ARRAY(SELECT sup_org_vector(o, 1) FROM orgs o));
  PERFORM sup_fold_rollup_deltas();
END
$$;
