import type { PassThrough } from 'node:stream';
import type { ListMembersQuery } from '../../../contracts/members';
import {
  GENDER_LABELS,
  IDENTITY_STATUS_LABELS,
  MEMBER_STATUS_LABELS,
  POLITICAL_STATUS_LABELS,
} from '../../../domain/enums';
import { streamWorkbook } from '../../../lib/xlsx';
import { writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { memberBatches } from './members.repo';
import { memberFilter } from './members.service';

const COLUMNS = [
  { header: '姓名', width: 10 },
  { header: '身份证号码', width: 22 },
  { header: '性别', width: 6 },
  { header: '出生日期', width: 12 },
  { header: '民族', width: 10 },
  { header: '政治面貌', width: 12 },
  { header: '入团年月', width: 10 },
  { header: '所在团支部', width: 30 },
  { header: '是否团干部', width: 10 },
  { header: '团内职务', width: 10 },
  { header: '手机号码', width: 14 },
  { header: '团员身份', width: 12 },
  { header: '资料是否完整', width: 12 },
  { header: '状态', width: 8 },
];

/**
 * Exports the member list exactly as filtered and sorted on screen, scoped like the list (SEC-1) and masked
 * (SEC-4). Rows stream in keyset batches; the export itself is audited with its filters.
 */
export async function exportMembers(ctx: AppContext, actor: AdminActor, q: ListMembersQuery, onError: (err: unknown) => void): Promise<PassThrough> {
  const filter = await memberFilter(ctx, actor, q);
  const { page: _p, pageSize: _s, ...filters } = q;
  await writeAudit(ctx.db, ctx, { ...actor, actingOrgId: actor.scope.orgId }, {
    action: 'MEMBER_EXPORT',
    // A foreign org exports nothing (memberFilter logged the refusal).
    result: filter ? 'OK' : 'DENIED',
    objectType: 'org',
    objectId: q.orgId ?? actor.scope.orgId,
    orgPath: actor.scope.path,
    reason: JSON.stringify({ ...filters, idNumber: filters.idNumber ? '（已按身份证号筛选）' : undefined }),
  });
  async function* rows() {
    if (!filter) return;
    for await (const batch of memberBatches(ctx.database.readDb, filter, q.sort)) {
      yield batch.map((m) => [
        m.name,
        m.idNumber,
        GENDER_LABELS[m.gender],
        m.birthDate,
        m.ethnicity,
        POLITICAL_STATUS_LABELS[m.politicalStatus],
        m.joinedLeagueAt,
        m.branchName,
        m.isCadre ? '是' : '否',
        m.leaguePosition ?? '',
        m.phone ?? '',
        IDENTITY_STATUS_LABELS[m.identityStatus],
        m.profileComplete ? '完整' : '不完整',
        MEMBER_STATUS_LABELS[m.status],
      ]);
    }
  }
  return streamWorkbook('团员名单', COLUMNS, rows(), onError);
}
