import type { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { rows as queryRows } from '../../../db/client';
import { GENDER_LABELS, MEMBER_STATUS_LABELS, type Gender, type MemberStatus } from '../../../domain/enums';
import { streamWorkbook } from '../../../lib/xlsx';
import { adminAuditActor, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { inSubtree } from '../orgs/orgs.repo';
import { dashboardOrg } from './supervision.service';

const COLUMNS = [
  { header: '发展团组织', width: 30 },
  { header: '姓名', width: 10 },
  { header: '身份证号码', width: 22 },
  { header: '性别', width: 6 },
  { header: '入团年月', width: 10 },
  { header: '团支部大会通过日期', width: 14 },
  { header: '发展团员编号', width: 16 },
  { header: '录入日期', width: 12 },
  { header: '所在团支部', width: 30 },
  { header: '状态', width: 8 },
];

/**
 * ST-3: 新发展团员名册 — members who joined in 2017 or later in the subtree, grouped by the org that
 * developed them ("谁发展，谁录入"), for reporting upward. Masked (SEC-4), streamed in keyset batches.
 */
export async function exportNewMemberRoster(ctx: AppContext, actor: AdminActor, q: { orgId?: number }, onError: (err: unknown) => void): Promise<{ stream: PassThrough; orgName: string }> {
  const org = await dashboardOrg(ctx, actor, q.orgId);
  await writeAudit(ctx.db, ctx, adminAuditActor(actor), { action: 'NEW_MEMBER_ROSTER_EXPORT', result: 'OK', objectType: 'org', objectId: org.id, objectLabel: org.name, orgPath: org.path });
  async function* batches() {
    let after = 0;
    for (;;) {
      const list = await queryRows<{
        id: number; dev_org: string | null; name: string; id_masked: string; gender: Gender; joined: string; admitted: string | null;
        number: string | null; entered: string; branch: string; status: MemberStatus;
      }>(
        ctx.db,
        sql`SELECT m.id, d.name AS dev_org, p.name, p.id_number_masked AS id_masked, p.gender, m.joined_league_at AS joined,
                   m.admitted_at::text AS admitted, m.development_number AS number,
                   ((m.created_at AT TIME ZONE 'UTC') + interval '8 hours')::date::text AS entered, b.name AS branch, m.status
              FROM members m JOIN persons p ON p.id = m.person_id JOIN orgs b ON b.id = m.branch_id
              LEFT JOIN orgs d ON d.id = m.developed_by_org_id
             WHERE ${inSubtree(sql`m.org_path`, org.path)} AND m.joined_league_at >= '2017' AND m.id > ${after}
             ORDER BY m.id LIMIT 1000`,
      );
      if (list.length === 0) return;
      yield list.map((r) => [r.dev_org ?? '（未填写）', r.name, r.id_masked, GENDER_LABELS[r.gender], r.joined, r.admitted ?? '', r.number ?? '', r.entered, r.branch, MEMBER_STATUS_LABELS[r.status]]);
      after = list[list.length - 1]!.id;
      if (list.length < 1000) return;
    }
  }
  return { stream: streamWorkbook('新发展团员名册', COLUMNS, batches(), onError), orgName: org.name };
}
