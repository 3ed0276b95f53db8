-- Issue 8: the members' statement trigger (0009) paired each changed row's two contributions through
-- a LATERAL VALUES list, and PostgreSQL sets up that VALUES node's expressions again for every row:
-- about 30 µs per moved member, a quarter of the TR-5 sweep's member update. The same contributions
-- now come from two plain selects (new rows +1, old rows -1) over the same changed rows; the sums
-- sup_apply_member_delta computes from them are the same.
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
      SELECT sup_member_vector(n, 1) FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.branch_id, n.status, n.profile_complete, n.joined_league_at, n.admitted_at, n.created_at)
             IS DISTINCT FROM (o.branch_id, o.status, o.profile_complete, o.joined_league_at, o.admitted_at, o.created_at)
      UNION ALL
      SELECT sup_member_vector(o, -1) FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.branch_id, n.status, n.profile_complete, n.joined_league_at, n.admitted_at, n.created_at)
             IS DISTINCT FROM (o.branch_id, o.status, o.profile_complete, o.joined_league_at, o.admitted_at, o.created_at)));
  END IF;
  RETURN NULL;
END
$$;
