import { sql } from 'drizzle-orm';
import type { ORG_FINDINGS } from '../../../contracts/orgs';
import { rows } from '../../../db/client';
import type { OrgKind } from '../../../domain/enums';
import { BRANCH_MAX_MEMBERS, BRANCH_MIN_MEMBERS } from '../../../domain/orgs';
import { subtreeRange } from '../../../domain/scope';
import type { AdminActor, AppContext } from '../../context';
import { orgInScopeOr404 } from './orgs.service';

const SCHOOL = sql.raw(`('HIGHER_EDUCATION','VOCATIONAL_SCHOOL','HIGH_SCHOOL','MIDDLE_SCHOOL','PRIMARY_SCHOOL')`);

/** "no live branch anywhere below o" — a range probe on the path index. */
const noBranchBelow = sql`NOT EXISTS (
  SELECT 1 FROM orgs b
   WHERE b.kind = 'BRANCH' AND b.deleted_at IS NULL
     AND b.path >= o.path AND b.path < (left(o.path, -1) || '0'))`;

const memberCount = sql`(SELECT count(*)::int FROM members m WHERE m.branch_id = o.id AND m.status = 'ACTIVE')`;

/**
 * The lists a supervisor acts on (ORG-2, ORG-4, ORG-5), restricted to the acting org's subtree.
 * Special branches (学社衔接临时团支部 …) are exempt from the size rule both ways: being empty is their
 * normal state, and they gather whoever the rules send there, so they are never split either.
 */
export async function orgFindings(
  ctx: AppContext,
  actor: AdminActor,
  q: { type: (typeof ORG_FINDINGS)[number]; orgId?: number; page: number; pageSize: number },
) {
  const root = q.orgId === undefined ? actor.scope.path : (await orgInScopeOr404(ctx, actor, q.orgId)).path;
  const { lo, hi } = subtreeRange(root);
  const scope = sql`o.deleted_at IS NULL AND o.path >= ${lo} AND o.path < ${hi}`;
  const condition = {
    INCOMPLETE_COMMITTEE: sql`o.kind <> 'BRANCH' AND ${noBranchBelow}`,
    SMALL_BRANCH: sql`o.kind = 'BRANCH' AND o.special_kind IS NULL AND ${memberCount} < ${BRANCH_MIN_MEMBERS}`,
    LARGE_BRANCH: sql`o.kind = 'BRANCH' AND o.special_kind IS NULL AND ${memberCount} > ${BRANCH_MAX_MEMBERS}`,
    SCHOOL_WITHOUT_CODE: sql`o.kind <> 'BRANCH' AND o.kind <> 'LEADERSHIP' AND o.industry_category IN ${SCHOOL} AND o.school_code IS NULL
      AND NOT EXISTS (SELECT 1 FROM orgs p WHERE p.id = o.parent_id AND p.industry_category IN ${SCHOOL} AND p.kind <> 'LEADERSHIP')`,
    SCHOOL_CODE_WITHOUT_BRANCH: sql`o.school_code IS NOT NULL AND ${noBranchBelow}`,
  }[q.type];
  const where = sql`${scope} AND ${condition}`;
  const [items, total] = await Promise.all([
    rows<{ id: number; name: string; full_name: string; kind: OrgKind; member_count: number; school_code: string | null }>(
      ctx.db,
      sql`SELECT o.id, o.name, o.full_name, o.kind, ${memberCount} AS member_count, o.school_code
            FROM orgs o WHERE ${where} ORDER BY o.path LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
    ),
    rows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM orgs o WHERE ${where}`),
  ]);
  return {
    items: items.map((r) => ({ id: r.id, name: r.name, fullName: r.full_name, kind: r.kind, memberCount: r.member_count, schoolCode: r.school_code })),
    total: total[0]?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}
