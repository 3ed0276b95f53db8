import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Col, DatePicker, Form, Input, Row, Select, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { ChangeCadrePositionRequest, CreateCadreRequest, EndCadreRequest } from '../../../../src/contracts/cadres';
import { positionsFor } from '../../../../src/domain/cadres';
import { CADRE_NATURE_LABELS } from '../../../../src/domain/enums';
import { api, errorMessage } from '../../api/client';
import type { Cadre, Org } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { IdNumberItem } from '../../components/IdNumberItem';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { applyServerErrors, checkWithSchema, dateField, emptyToNull, zodRule } from '../../lib/forms';
import { listOptions, optionsOf } from '../../lib/format';
import { half } from '../../members/fields';
import { useManage } from '../context';

type Values = Record<string, unknown>;

function useCadreSaved() {
  const { actingOrgId } = useManage();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['cadres', actingOrgId] });
    void queryClient.invalidateQueries({ queryKey: ['cadre-history', actingOrgId] });
  };
}

/** Nature (CAD-2) only for leadership organs. */
function NatureItem({ org }: { org: Org }) {
  if (org.kind !== 'LEADERSHIP') return null;
  return (
    <Col {...half}>
      <Form.Item label="任职性质" name="nature" rules={[{ required: true, message: '领导机关团干部须注明专职、挂职或兼职' }]}>
        <Select options={optionsOf(CADRE_NATURE_LABELS)} placeholder="请选择" />
      </Form.Item>
    </Col>
  );
}

/** 录入本级团干部 (CAD-1). */
export function CreateCadreModal({ org, onClose }: { org: Org; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const saved = useCadreSaved();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const create = useMutation({
    mutationFn: (body: Values) => api.post<Cadre>('/api/cadres', body, { orgId: actingOrgId }),
    onSuccess: (c) => {
      saved();
      message.success(`已录入团干部 ${c.name}`);
      onClose();
    },
    onError: (err) => setError({ message: errorMessage(err), details: applyServerErrors(form, err) }),
  });
  const shape = CreateCadreRequest.shape;
  return (
    <ResponsiveModal open title={`录入本级团干部 · ${org.name}`} okText="录入" onOk={() => form.submit()} onCancel={onClose} confirmLoading={create.isPending} width={720}>
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form
        form={form}
        name="cadreCreate"
        layout="vertical"
        onFinish={(v) => {
          setError(null);
          const body = Object.fromEntries(Object.entries(emptyToNull({ ...v, orgId: org.id })).filter(([, x]) => x !== null));
          if (checkWithSchema(form, CreateCadreRequest, body)) create.mutate(body);
        }}
      >
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item label="姓名" name="name" required rules={[zodRule(shape.name)]}>
              <Input maxLength={40} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <IdNumberItem />
          </Col>
          <Col {...half}>
            <Form.Item label="手机号码" name="phone" rules={[zodRule(shape.phone)]} extra="选填">
              <Input maxLength={11} inputMode="numeric" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label="职务" name="position" rules={[{ required: true, message: '请选择职务' }]}>
              <Select options={listOptions(positionsFor(org.kind))} placeholder="请选择" />
            </Form.Item>
          </Col>
          <NatureItem org={org} />
          <Col {...half}>
            <Form.Item label="任职日期" name="startedAt" {...dateField} extra="不填为今天">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </ResponsiveModal>
  );
}

/** 职务变更 (CAD-3) or 卸任: the old post ends, history stays. */
export function ChangeOrEndModal({ org, cadre, action, onClose }: { org: Org; cadre: Cadre; action: 'change' | 'end'; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const saved = useCadreSaved();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const schema = action === 'change' ? ChangeCadrePositionRequest : EndCadreRequest;
  const run = useMutation({
    mutationFn: (body: Values) => api.post<Cadre>(`/api/cadres/${cadre.id}/${action}`, body, { orgId: actingOrgId }),
    onSuccess: () => {
      saved();
      message.success(action === 'change' ? '职务已变更' : `${cadre.name} 已卸任`);
      onClose();
    },
    onError: (err) => setError({ message: errorMessage(err), details: applyServerErrors(form, err) }),
  });
  return (
    <ResponsiveModal
      open
      title={`${action === 'change' ? '职务变更' : '卸任'} · ${cadre.name}（${cadre.position}）`}
      okText={action === 'change' ? '变更' : '确认卸任'}
      okButtonProps={{ danger: action === 'end' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={run.isPending}
      width={640}
    >
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form
        form={form}
        name={action === 'change' ? 'cadreChange' : 'cadreEnd'}
        layout="vertical"
        initialValues={action === 'change' ? { nature: cadre.nature ?? undefined } : {}}
        onFinish={(v) => {
          setError(null);
          const body = Object.fromEntries(Object.entries(emptyToNull(v)).filter(([, x]) => x !== null));
          if (checkWithSchema(form, schema, body)) run.mutate(body);
        }}
      >
        <Row gutter={16}>
          {action === 'change' && (
            <>
              <Col {...half}>
                <Form.Item label="新职务" name="position" rules={[{ required: true, message: '请选择新职务' }]}>
                  <Select options={listOptions(positionsFor(org.kind))} placeholder="请选择" />
                </Form.Item>
              </Col>
              <NatureItem org={org} />
            </>
          )}
          <Col {...half}>
            <Form.Item label={action === 'change' ? '变更日期' : '卸任日期'} name={action === 'change' ? 'startedAt' : 'endedAt'} {...dateField} extra="不填为今天">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item label="说明" name="note" rules={[zodRule(ChangeCadrePositionRequest.shape.note)]}>
              <Input.TextArea rows={2} maxLength={200} showCount />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </ResponsiveModal>
  );
}

/** 任职历史 of this person in this org (CAD-3). */
export function HistoryModal({ cadre, onClose }: { cadre: Cadre; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const history = useQuery({
    queryKey: ['cadre-history', actingOrgId, cadre.id],
    queryFn: () => api.get<{ items: Cadre[] }>(`/api/cadres/${cadre.id}/history`, { orgId: actingOrgId }),
  });
  return (
    <ResponsiveModal open title={`任职历史 · ${cadre.name}`} footer={null} onCancel={onClose} width={560}>
      {history.isError && <Alert type="error" showIcon title={errorMessage(history.error)} />}
      <Timeline
        items={(history.data?.items ?? []).map((c) => ({
          key: c.id,
          color: c.endedAt ? 'gray' : 'green',
          title: `${c.startedAt} 至 ${c.endedAt ?? '今'}`,
          content: (
            <div>
              <div>
                {c.position}
                {c.nature ? `（${CADRE_NATURE_LABELS[c.nature]}）` : ''}
              </div>
              {c.endNote && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.endNote}
                </Typography.Text>
              )}
            </div>
          ),
        }))}
      />
    </ResponsiveModal>
  );
}

