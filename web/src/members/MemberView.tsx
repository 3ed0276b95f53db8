import { Alert, Descriptions, Space, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import {
  GENDER_LABELS,
  GRADUATE_STATUS_LABELS,
  IDENTITY_EVIDENCE_LABELS,
  IDENTITY_STATUS_LABELS,
  LEAVE_REASON_LABELS,
  MEMBERSHIP_REASON_LABELS,
  MEMBER_STATUS_LABELS,
  POLITICAL_STATUS_LABELS,
  type MembershipEndReason,
  type MembershipStartReason,
} from '../../../src/domain/enums';
import { PROFILE_FIELDS, type ProfileField } from '../../../src/domain/members';
import type { Member, MyProfile } from '../api/types';
import { RegionName } from '../components/RegionPicker';
import { formatDate, formatDateTime } from '../lib/format';
import { MEMBER_FIELD_LABELS } from './fields';

type MemberRecord = Omit<Member, 'can'>;

/** Tags that summarise a member's state (identity, completeness, MEM-4, MEM-8). */
export function MemberTags({ m }: { m: Pick<Member, 'status' | 'identityStatus' | 'profileComplete' | 'isCadre' | 'leaguePosition' | 'graduateStatus'> & Partial<Pick<Member, 'lateEntry' | 'dueToLeave'>> }) {
  return (
    <Space size={[4, 4]} wrap>
      {m.status === 'LEFT' && <Tag>{MEMBER_STATUS_LABELS.LEFT}</Tag>}
      {m.identityStatus === 'NEEDS_RECTIFICATION' ? <Tag color="error">{IDENTITY_STATUS_LABELS.NEEDS_RECTIFICATION}</Tag> : null}
      {!m.profileComplete && <Tag color="warning">资料不完整</Tag>}
      {m.isCadre && <Tag color="red">{m.leaguePosition ?? '团干部'}</Tag>}
      {m.graduateStatus && <Tag color="blue">{GRADUATE_STATUS_LABELS[m.graduateStatus]}</Tag>}
      {m.lateEntry && <Tag color="orange">超期录入</Tag>}
      {m.dueToLeave && <Tag color="purple">已满28周岁，应办理离团</Tag>}
    </Space>
  );
}

function missingLabel(field: string): string {
  return PROFILE_FIELDS[field as ProfileField] ?? MEMBER_FIELD_LABELS[field] ?? field;
}

/** The whole record as read-only text (names may contain anything: React renders them as text). */
export function MemberDescriptions({
  m,
  revealed,
  columns = 2,
}: {
  m: MemberRecord;
  revealed?: { idNumber: string; phone: string | null } | null;
  columns?: number;
}) {
  const missing = new Set(m.missingFields);
  const v = (field: string, value: ReactNode) =>
    value === null || value === undefined || value === '' ? (
      missing.has(field) ? <span className="missing-field">未填写</span> : <Typography.Text type="secondary">—</Typography.Text>
    ) : (
      value
    );
  const items = [
    { key: 'name', label: '姓名', children: m.name },
    { key: 'idNumber', label: '身份证号码', children: revealed ? <Typography.Text copyable>{revealed.idNumber}</Typography.Text> : m.idNumber },
    { key: 'gender', label: '性别', children: GENDER_LABELS[m.gender] },
    { key: 'birthDate', label: '出生日期', children: m.birthDate },
    { key: 'ethnicity', label: '民族', children: v('ethnicity', m.ethnicity) },
    { key: 'politicalStatus', label: '政治面貌', children: POLITICAL_STATUS_LABELS[m.politicalStatus] },
    { key: 'joinedLeagueAt', label: '入团年月', children: v('joinedLeagueAt', m.joinedLeagueAt) },
    { key: 'developmentNumber', label: '发展团员编号', children: v('developmentNumber', m.developmentNumber) },
    { key: 'admittedAt', label: '支部大会通过日期', children: v('admittedAt', m.admittedAt) },
    { key: 'identityEvidence', label: '团员身份认定依据', children: v('identityEvidence', m.identityEvidence ? IDENTITY_EVIDENCE_LABELS[m.identityEvidence] : null) },
    { key: 'branch', label: '所在团支部', children: v('branch', m.branchFullName ?? m.branchName), span: 2 },
    {
      key: 'developedBy',
      label: MEMBER_FIELD_LABELS.developedByOrgName,
      // Not filled in: the member's own branch counts as the developing organisation.
      children: m.developedByOrgId === null ? <Typography.Text type="secondary">未填写（视为所在团支部）</Typography.Text> : (m.developedByOrgName ?? ''),
      span: 2,
    },
    { key: 'isCadre', label: '是否团干部', children: m.isCadre ? '是' : '否' },
    { key: 'leaguePosition', label: '团内职务', children: v('leaguePosition', m.leaguePosition) },
    { key: 'phone', label: '手机号码', children: v('phone', revealed ? revealed.phone : m.phone) },
    { key: 'email', label: '电子邮箱', children: v('email', m.email) },
    { key: 'education', label: '全日制学历', children: v('education', m.education) },
    { key: 'highestEducation', label: '最高学历', children: v('highestEducation', m.highestEducation) },
    { key: 'occupation', label: '职业', children: v('occupation', m.occupation) },
    { key: 'workUnit', label: '工作/学习单位', children: v('workUnit', m.workUnit) },
    { key: 'hukouAddress', label: '户籍所在地', children: v('hukouAddress', m.hukouAddress), span: 2 },
    { key: 'residenceAddress', label: '现居住地', children: v('residenceAddress', m.residenceAddress), span: 2 },
    ...(m.graduateStatus || m.graduationAt || m.destinationUnit || m.destinationAddress || m.destinationRegionCode || m.parentsAddress
      ? [
          { key: 'graduationAt', label: '毕业时间', children: v('graduationAt', m.graduationAt) },
          { key: 'destinationUnit', label: '去向单位名称', children: v('destinationUnit', m.destinationUnit) },
          {
            key: 'destinationRegionCode',
            label: '去向单位所在地',
            children: v('destinationRegionCode', m.destinationRegionCode ? <RegionName code={m.destinationRegionCode} /> : null),
            span: 2,
          },
          { key: 'destinationAddress', label: '去向单位地址', children: v('destinationAddress', m.destinationAddress), span: 2 },
          { key: 'parentsAddress', label: '父母居住地', children: v('parentsAddress', m.parentsAddress), span: 2 },
        ]
      : []),
    ...(m.status === 'LEFT'
      ? [
          { key: 'leftAt', label: '离团时间', children: formatDateTime(m.leftAt) },
          { key: 'leaveReason', label: '离团原因', children: m.leaveReason ? LEAVE_REASON_LABELS[m.leaveReason] : '' },
          { key: 'leaveNote', label: '离团说明', children: v('leaveNote', m.leaveNote), span: 2 },
        ]
      : []),
    { key: 'updatedAt', label: '最后更新', children: formatDateTime(m.updatedAt), span: 2 },
  ];
  return (
    <Descriptions
      size="small"
      bordered
      column={columns}
      // One column (a phone): keep labels on one line so the values get the rest of the width.
      styles={columns === 1 ? { label: { whiteSpace: 'nowrap', width: 1 } } : undefined}
      items={items.map((i) => ({ ...i, span: columns === 1 ? 1 : i.span }))}
    />
  );
}

/** What still needs doing on the record: MEM-3 identity issues and ST-2 missing fields. */
export function MemberIssues({ m }: { m: MemberRecord }) {
  return (
    <>
      {m.identityIssues.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title="团员身份需整改"
          description={<ul style={{ margin: 0, paddingLeft: 20 }}>{m.identityIssues.map((i) => <li key={i.code}>{i.message}</li>)}</ul>}
        />
      )}
      {m.missingFields.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title="个人资料尚不完整"
          description={`未填写：${m.missingFields.map(missingLabel).join('、')}`}
        />
      )}
    </>
  );
}

/** The member's stays in branches, newest first. */
export function MembershipTimeline({ m }: { m: MemberRecord | NonNullable<MyProfile['member']> }) {
  const label = (r: string | null) => (r ? (MEMBERSHIP_REASON_LABELS[r as MembershipStartReason | MembershipEndReason] ?? r) : '');
  const items = [...m.memberships].reverse().map((h, i) => ({
    key: `${h.branchId}-${h.startedAt}-${i}`,
    color: h.endedAt ? 'gray' : 'green',
    title: `${formatDate(h.startedAt)}${h.endedAt ? ` 至 ${formatDate(h.endedAt)}` : ' 至今'}`,
    content: (
      <div>
        <div>{h.branchName}</div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {label(h.startReason)}
          {h.endReason ? ` · ${label(h.endReason)}` : ''}
          {h.note ? ` · ${h.note}` : ''}
        </Typography.Text>
      </div>
    ),
  }));
  return <Timeline items={items} />;
}
