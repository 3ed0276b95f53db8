-- Issue 8: the members' rollup trigger runs on every approval that moves a member, and its two helpers
-- were LANGUAGE sql functions with data-modifying CTEs, which PostgreSQL (15) cannot inline and parses
-- and plans again on every call: about 0.7 ms of the trigger's 1.1–1.4 ms for one moved member. The
-- same statements in PL/pgSQL are planned once per connection and the plans kept. Bodies, lock order
-- and results are unchanged (0014's sup_apply_member_delta, 0010's sup_apply_rollup_delta).
CREATE OR REPLACE FUNCTION sup_apply_rollup_delta(d sup_rollup_delta[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org_rollup_deltas (org_id, members_active, members_complete, members_since_2017, members_since_2019, members_late_2019, branches, branches_entered, school_branches, school_branches_marked, school_members, schools)
  SELECT a.id, sum(v.members_active), sum(v.members_complete), sum(v.members_since_2017), sum(v.members_since_2019), sum(v.members_late_2019), sum(v.branches), sum(v.branches_entered), sum(v.school_branches), sum(v.school_branches_marked), sum(v.school_members), sum(v.schools)
    FROM unnest(d) AS v CROSS JOIN LATERAL unnest(sup_path_ids(v.path)) AS a(id)
   GROUP BY a.id
  HAVING sum(abs(v.members_active)) + sum(abs(v.members_complete)) + sum(abs(v.members_since_2017)) + sum(abs(v.members_since_2019)) + sum(abs(v.members_late_2019)) + sum(abs(v.branches)) + sum(abs(v.branches_entered)) + sum(abs(v.school_branches)) + sum(abs(v.school_branches_marked)) + sum(abs(v.school_members)) + sum(abs(v.schools)) > 0;
END
$$;
--> statement-breakpoint
-- Member deltas: appended per branch and added to every ancestor through the branch's current path,
-- the branch org rows locked FOR SHARE first (in id order), as in 0014.
CREATE OR REPLACE FUNCTION sup_apply_member_delta(d sup_member_delta[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r sup_rollup_delta[];
BEGIN
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
  SELECT ARRAY(
    SELECT ROW(br.path, a.active, a.complete, a.since_2017, a.since_2019, a.late_2019, 0, 0, 0, 0,
      CASE WHEN br.school THEN a.active ELSE 0 END, 0)::sup_rollup_delta
      FROM agg a JOIN branch br ON br.id = a.branch_id WHERE (SELECT count(*) FROM ins) >= 0)
    INTO r;
  PERFORM sup_apply_rollup_delta(r);
END
$$;
