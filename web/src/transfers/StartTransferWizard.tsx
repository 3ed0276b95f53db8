import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Form, Input, List, Radio, Select, Space, Steps, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { TargetOrg, TargetSuggestion, Transfer } from '../../../src/contracts/transfers';
import { SPECIAL_KIND_LABELS } from '../../../src/domain/enums';
import {
  REASON_SPECS,
  TARGET_SCOPES,
  TARGET_SCOPE_LABELS,
  TRANSFER_FIELD_LABELS,
  TRANSFER_REASON_LABELS,
  reasonsFor,
  suggestionKind,
  type TargetScope,
  type TransferField,
  type TransferReason,
} from '../../../src/domain/transfers';
import { api, errorMessage } from '../api/client';
import type { MemberListItem, Page } from '../api/types';
import { FormErrors } from '../components/FormErrors';
import { RegionPicker } from '../components/RegionPicker';
import { ResponsiveModal } from '../components/ResponsiveModal';

export type WizardMode =
  | { kind: 'sending'; actingOrgId: number; orgId: number }
  | { kind: 'receiving'; actingOrgId: number }
  | { kind: 'member'; schoolToSociety: boolean; branchId: number };

interface Picked {
  memberIds: number[];
  names: string[];
  schoolToSociety: boolean;
  branchId?: number;
  lookup?: { name: string; idNumber: string };
}

function orgLabel(o: TargetOrg) {
  return (
    <Space size={4} wrap>
      <span>{o.name}</span>
      {o.specialKind && <Tag color="blue">{SPECIAL_KIND_LABELS[o.specialKind]}</Tag>}
      {o.isTownship && <Tag color="orange">乡镇街道</Tag>}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {[o.parentName, o.regionName].filter(Boolean).join(' · ')}
      </Typography.Text>
    </Space>
  );
}

/** Step 1 of the sending side: members of the current org's subtree, several at once. */
function MemberPicker({ actingOrgId, orgId, onChange }: { actingOrgId: number; orgId: number; onChange: (p: Picked | null) => void }) {
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<MemberListItem[]>([]);
  const list = useQuery({
    queryKey: ['transfer-member-pick', actingOrgId, orgId, q],
    queryFn: () => api.get<Page<MemberListItem>>('/api/members', { orgId: actingOrgId, query: { orgId, name: q || undefined, pageSize: 30 } }),
  });
  return (
    <Select
      mode="multiple"
      showSearch={{ filterOption: false, onSearch: setQ }}
      style={{ width: '100%' }}
      placeholder="输入姓名搜索本级及下级团员（可多选）"
      loading={list.isPending}
      aria-label="选择团员"
      options={[...picked, ...(list.data?.items ?? []).filter((m) => !picked.some((p) => p.id === m.id))].map((m) => ({ value: m.id, label: `${m.name}（${m.branchName}）` }))}
      value={picked.map((m) => m.id)}
      onChange={(ids: number[]) => {
        const all = [...picked, ...(list.data?.items ?? [])];
        const next = ids.map((id) => all.find((m) => m.id === id)!).filter(Boolean);
        setPicked(next);
        if (next.length === 0) return onChange(null);
        // The server says which reason set applies (TR-6); a batch shares the first member's set and
        // the server refuses any member it does not fit.
        api
          .get<{ schoolToSociety: boolean; branchId: number }>('/api/transfer-reason-set', { orgId: actingOrgId, query: { memberId: next[0]!.id } })
          .then((r) => onChange({ memberIds: next.map((m) => m.id), names: next.map((m) => m.name), schoolToSociety: r.schoolToSociety, branchId: r.branchId }))
          .catch((err: unknown) => message.error(errorMessage(err)));
      }}
    />
  );
}

/**
 * 发起组织关系转接: who → reason and its fields (TR-6, TR-7) → target (search + suggestion) →
 * 备注 (TR-13) and confirm. The same wizard serves the sending side, the receiving side and 个人中心.
 */
export function StartTransferWizard({ mode, onClose, onDone }: { mode: WizardMode; onClose: () => void; onDone: (ids: number[]) => void }) {
  const { message } = App.useApp();
  const [step, setStep] = useState(mode.kind === 'member' ? 1 : 0);
  const [picked, setPicked] = useState<Picked | null>(mode.kind === 'member' ? { memberIds: [], names: [], schoolToSociety: mode.schoolToSociety, branchId: mode.branchId } : null);
  const [reason, setReason] = useState<TransferReason | null>(null);
  const [scope, setScope] = useState<TargetScope>('NATIONAL');
  const [fields, setFields] = useState<Partial<Record<TransferField, string>>>({});
  const [target, setTarget] = useState<TargetOrg | null>(null);
  const [region, setRegion] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [remark, setRemark] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [lookup, setLookup] = useState({ name: '', idNumber: '' });

  const spec = reason ? REASON_SPECS[reason] : null;
  const needsTarget = spec?.target !== 'NONE';
  const orgOpts = mode.kind === 'member' ? {} : { orgId: mode.actingOrgId };

  const doLookup = useMutation({
    mutationFn: () => api.post<{ name: string; idNumber: string; branchName: string; schoolToSociety: boolean; hasOpenTransfer: boolean }>('/api/transfer-member-lookup', lookup, orgOpts),
    onSuccess: (r) => {
      setError(r.hasOpenTransfer ? `${r.name}已有正在办理的组织关系转接` : null);
      setPicked({ memberIds: [], names: [`${r.name}（${r.idNumber}，${r.branchName}）`], schoolToSociety: r.schoolToSociety, lookup });
    },
    onError: (err) => {
      setPicked(null);
      setError(errorMessage(err));
    },
  });

  const search = useQuery({
    queryKey: ['transfer-targets', q, scope],
    queryFn: () => api.get<Page<TargetOrg>>('/api/transfer-targets', { query: { q, scope, pageSize: 20 } }),
    enabled: q.trim().length > 0,
  });
  const suggestKind = reason ? suggestionKind(reason) : null;
  const suggestions = useQuery({
    queryKey: ['transfer-suggestions', reason, region, picked?.branchId],
    queryFn: () => api.get<TargetSuggestion[]>('/api/transfer-target-suggestions', { query: { reason: reason!, regionCode: region ?? undefined, branchId: picked?.branchId } }),
    enabled: !!reason && (suggestKind === 'ABROAD_BRANCH' ? !!picked?.branchId : suggestKind === 'TOWNSHIP' && !!region && region.length >= 6),
  });

  const submit = useMutation({
    mutationFn: async () => {
      const details = { reason: reason!, targetScope: scope, fields, targetOrgId: needsTarget ? target?.id : null, remark: remark || null };
      if (mode.kind === 'member') return [(await api.post<Transfer>('/api/me/transfers', details)).id];
      if (mode.kind === 'receiving') return (await api.post<{ ids: number[] }>('/api/transfers/incoming', { ...picked!.lookup!, ...details }, orgOpts)).ids;
      return (await api.post<{ ids: number[] }>('/api/transfers', { memberIds: picked!.memberIds, ...details }, orgOpts)).ids;
    },
    onSuccess: (ids) => {
      message.success(`已提交${ids.length}条组织关系转接申请`);
      onDone(ids);
    },
    onError: (err) => setError(errorMessage(err)),
  });

  const reasons = useMemo(() => reasonsFor(picked?.schoolToSociety ?? false), [picked]);
  const fieldKeys: TransferField[] = spec ? (spec.graduate ? spec.fields : ['unitName', 'address']) : [];
  const fieldsOk = spec ? spec.fields.every((k) => (fields[k] ?? '').trim() !== '') : false;

  const steps = [
    { title: mode.kind === 'member' ? '本人' : '选择团员' },
    { title: '转接原因' },
    { title: '转入组织' },
    { title: '确认提交' },
  ];
  const canNext = [!!picked && (mode.kind !== 'receiving' || !error), !!reason && fieldsOk, !needsTarget || !!target, true][step];

  return (
    <ResponsiveModal
      open
      title={mode.kind === 'receiving' ? '转入发起' : mode.kind === 'member' ? '申请组织关系转接' : '转出发起'}
      onCancel={onClose}
      width={760}
      footer={
        <Space>
          {step > (mode.kind === 'member' ? 1 : 0) && <Button onClick={() => setStep(step - 1)}>上一步</Button>}
          {step < 3 ? (
            <Button type="primary" disabled={!canNext} onClick={() => { setError(null); setStep(step + (step === 1 && !needsTarget ? 2 : 1)); }}>
              下一步
            </Button>
          ) : (
            <Button type="primary" loading={submit.isPending} onClick={() => submit.mutate()}>
              提交申请
            </Button>
          )}
        </Space>
      }
    >
      <Steps size="small" current={step} items={steps} style={{ marginBottom: 16 }} responsive={false} />
      <FormErrors message={error} />
      {step === 0 && mode.kind === 'sending' && <MemberPicker actingOrgId={mode.actingOrgId} orgId={mode.orgId} onChange={setPicked} />}
      {step === 0 && mode.kind === 'receiving' && (
        <Form layout="vertical" onFinish={() => doLookup.mutate()}>
          <Typography.Paragraph type="secondary">输入要转入本组织的团员的姓名和身份证号码，两者都相符才能查到（TR-1）。</Typography.Paragraph>
          <Form.Item label="姓名" required>
            <Input value={lookup.name} onChange={(e) => setLookup({ ...lookup, name: e.target.value })} />
          </Form.Item>
          <Form.Item label="身份证号码" required>
            <Input value={lookup.idNumber} onChange={(e) => setLookup({ ...lookup, idNumber: e.target.value })} maxLength={18} />
          </Form.Item>
          <Button htmlType="submit" loading={doLookup.isPending}>查询</Button>
          {picked && <Alert style={{ marginTop: 12 }} type="success" showIcon title={`已找到：${picked.names[0]}`} />}
        </Form>
      )}
      {step === 1 && (
        <Form layout="vertical">
          {picked?.schoolToSociety && <Alert type="info" showIcon style={{ marginBottom: 12 }} title="毕业生团组织的团员办理“学社衔接”，请严格按照业务指引选择原因和转入组织。" />}
          <Form.Item label="转入组织是否属于北京、广东、福建" required>
            <Radio.Group value={scope} onChange={(e) => { setScope(e.target.value as TargetScope); setTarget(null); }} options={TARGET_SCOPES.map((s) => ({ value: s, label: TARGET_SCOPE_LABELS[s] }))} />
          </Form.Item>
          <Form.Item label="转接原因" required>
            <Select
              aria-label="转接原因"
              value={reason ?? undefined}
              placeholder="请选择转接原因"
              onChange={(r: TransferReason) => { setReason(r); setFields({}); setTarget(null); }}
              options={reasons.map((r) => ({ value: r, label: TRANSFER_REASON_LABELS[r] }))}
            />
          </Form.Item>
          {spec?.hint && <Typography.Paragraph type="secondary">{spec.hint}</Typography.Paragraph>}
          {fieldKeys.map((k) => (
            <Form.Item key={k} label={k === 'address' && spec?.addressLabel ? spec.addressLabel : TRANSFER_FIELD_LABELS[k]} required={spec?.fields.includes(k)}>
              <Input aria-label={k === 'address' && spec?.addressLabel ? spec.addressLabel : TRANSFER_FIELD_LABELS[k]} value={fields[k] ?? ''} onChange={(e) => setFields({ ...fields, [k]: e.target.value })} />
            </Form.Item>
          ))}
        </Form>
      )}
      {step === 2 && (
        <div>
          {suggestKind === 'TOWNSHIP' && (
            <div style={{ marginBottom: 12 }}>
              <Typography.Text strong>按地址推荐：</Typography.Text>
              <Typography.Text type="secondary">选择户籍地、居住地或单位所在的县（区）或乡镇街道</Typography.Text>
              <div style={{ marginTop: 6 }}>
                <RegionPicker value={region} onChange={setRegion} minLevel="COUNTY" />
              </div>
            </div>
          )}
          {(suggestions.data?.length ?? 0) > 0 && (
            <List
              size="small"
              bordered
              header={<Typography.Text strong>推荐的转入组织</Typography.Text>}
              dataSource={suggestions.data}
              style={{ marginBottom: 12 }}
              renderItem={(o) => (
                <List.Item actions={[<Button key="pick" size="small" type={target?.id === o.id ? 'primary' : 'default'} onClick={() => setTarget(o)}>{target?.id === o.id ? '已选择' : '选择'}</Button>]}>
                  <div>
                    {orgLabel(o)}
                    <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{o.why}</Typography.Text></div>
                  </div>
                </List.Item>
              )}
            />
          )}
          <Input.Search placeholder="输入组织名称的任意部分搜索" aria-label="搜索转入组织" allowClear onSearch={setQ} enterButton="搜索" />
          {search.data && (
            <List
              size="small"
              style={{ marginTop: 8 }}
              dataSource={search.data.items}
              locale={{ emptyText: scope === 'NATIONAL' ? '没有找到（北京、广东、福建的组织请在上一步选择对应省份）' : '没有找到' }}
              renderItem={(o) => (
                <List.Item actions={[<Button key="pick" size="small" type={target?.id === o.id ? 'primary' : 'default'} onClick={() => setTarget(o)}>{target?.id === o.id ? '已选择' : '选择'}</Button>]}>
                  {orgLabel(o)}
                </List.Item>
              )}
            />
          )}
          {target && <Alert style={{ marginTop: 12 }} type="success" showIcon title={<>转入组织：{target.fullName}</>} />}
        </div>
      )}
      {step === 3 && (
        <div>
          <Descriptions size="small" column={1} bordered>
            {mode.kind !== 'member' && <Descriptions.Item label="团员">{picked?.names.join('、')}（{picked?.names.length}人）</Descriptions.Item>}
            <Descriptions.Item label="转接原因">{reason && TRANSFER_REASON_LABELS[reason]}</Descriptions.Item>
            {Object.entries(fields).filter(([, v]) => v).map(([k, v]) => (
              <Descriptions.Item key={k} label={TRANSFER_FIELD_LABELS[k as TransferField]}>{v}</Descriptions.Item>
            ))}
            <Descriptions.Item label="转入组织">{needsTarget ? target?.fullName : '特殊单位专属库（省级团委审核）'}</Descriptions.Item>
          </Descriptions>
          <Form layout="vertical" style={{ marginTop: 12 }}>
            <Form.Item label="备注（详细地址等，便于转入组织分配团支部）">
              <Input.TextArea aria-label="备注" rows={2} maxLength={500} value={remark} onChange={(e) => setRemark(e.target.value)} />
            </Form.Item>
          </Form>
        </div>
      )}
    </ResponsiveModal>
  );
}
