-- Supervision rollups without a shared row to wait for (issue 6/7: approvals from 50 clients queued
-- on the province's rollup row). Member and org triggers no longer update org_rollups in the writer's
-- transaction: they append per-statement delta rows, which no other writer touches. A job folds the
-- deltas into the base table every few seconds; `org_rollups` becomes a view of base + pending deltas,
-- so every reader sees exact figures at every moment, folded or not.
ALTER TABLE org_rollups RENAME TO org_rollups_base;
--> statement-breakpoint
CREATE TABLE org_rollup_deltas (
  id bigserial PRIMARY KEY,
  org_id integer NOT NULL,
  members_active integer NOT NULL DEFAULT 0,
  members_complete integer NOT NULL DEFAULT 0,
  members_since_2017 integer NOT NULL DEFAULT 0,
  members_since_2019 integer NOT NULL DEFAULT 0,
  members_late_2019 integer NOT NULL DEFAULT 0,
  branches integer NOT NULL DEFAULT 0,
  branches_entered integer NOT NULL DEFAULT 0,
  school_branches integer NOT NULL DEFAULT 0,
  school_branches_marked integer NOT NULL DEFAULT 0,
  school_members integer NOT NULL DEFAULT 0,
  schools integer NOT NULL DEFAULT 0
);
--> statement-breakpoint
CREATE INDEX org_rollup_deltas_org_idx ON org_rollup_deltas (org_id);
--> statement-breakpoint
CREATE VIEW org_rollups AS
  SELECT org_id, sum(members_active)::int AS members_active, sum(members_complete)::int AS members_complete, sum(members_since_2017)::int AS members_since_2017, sum(members_since_2019)::int AS members_since_2019, sum(members_late_2019)::int AS members_late_2019, sum(branches)::int AS branches, sum(branches_entered)::int AS branches_entered, sum(school_branches)::int AS school_branches, sum(school_branches_marked)::int AS school_branches_marked, sum(school_members)::int AS school_members, sum(schools)::int AS schools
    FROM (SELECT org_id, members_active, members_complete, members_since_2017, members_since_2019, members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools FROM org_rollups_base
          UNION ALL
          SELECT org_id, members_active, members_complete, members_since_2017, members_since_2019, members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools FROM org_rollup_deltas) AS u
   GROUP BY org_id;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sup_apply_rollup_delta(d sup_rollup_delta[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO org_rollup_deltas (org_id, members_active, members_complete, members_since_2017, members_since_2019, members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools)
  SELECT a.id, sum(v.members_active), sum(v.members_complete), sum(v.members_since_2017), sum(v.members_since_2019), sum(v.members_late_2019), sum(v.branches), sum(v.branches_entered), sum(v.school_branches), sum(v.school_branches_marked), sum(v.school_members), sum(v.schools)
    FROM unnest(d) AS v CROSS JOIN LATERAL unnest(sup_path_ids(v.path)) AS a(id)
   GROUP BY a.id
  HAVING sum(abs(v.members_active)) + sum(abs(v.members_complete)) + sum(abs(v.members_since_2017)) + sum(abs(v.members_since_2019)) + sum(abs(v.members_late_2019)) + sum(abs(v.branches)) + sum(abs(v.branches_entered)) + sum(abs(v.school_branches)) + sum(abs(v.school_branches_marked)) + sum(abs(v.school_members)) + sum(abs(v.schools)) > 0
$$;
--> statement-breakpoint
-- Moves every committed delta into the base table in one statement: a reader sees the figures before
-- or after, never half; deltas of transactions still running stay for the next fold.
CREATE OR REPLACE FUNCTION sup_fold_rollup_deltas() RETURNS integer LANGUAGE sql AS $$
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
  SELECT count(*)::int FROM up
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sup_rebuild_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM org_rollups_base;
  DELETE FROM org_rollup_deltas;
  DELETE FROM branch_stats;
  INSERT INTO branch_stats (branch_id, active, complete, since_2017, since_2019, late_2019)
  SELECT (v).branch_id, sum((v).active), sum((v).complete), sum((v).since_2017), sum((v).since_2019), sum((v).late_2019)
    FROM (SELECT sup_member_vector(m, 1) AS v FROM members m) s GROUP BY 1;
  PERFORM sup_apply_rollup_delta(ARRAY(SELECT sup_org_vector(o, 1) FROM orgs o));
  PERFORM sup_fold_rollup_deltas();
END
$$;
