import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Col, Collapse, DatePicker, Descriptions, Form, Input, Row, Select, Switch } from 'antd';
import { useState } from 'react';
import { CreateMemberRequest, UpdateMemberRequest } from '../../../../src/contracts/members';
import { BRANCH_POSITIONS } from '../../../../src/domain/cadres';
import { IDENTITY_EVIDENCE_LABELS } from '../../../../src/domain/enums';
import { api, errorMessage } from '../../api/client';
import type { Member, Org } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { IdNumberItem } from '../../components/IdNumberItem';
import { OrgSelect } from '../../components/OrgSelect';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { applyServerErrors, changedFields, checkWithSchema, dateField, emptyToNull, monthField, zodRule } from '../../lib/forms';
import { listOptions, optionsOf } from '../../lib/format';
import { BASIC_PROFILE_KEYS, DESTINATION_KEYS, half, profileItem, ProfileFieldGrid } from '../../members/fields';
import { useManage } from '../context';

const shape = CreateMemberRequest.shape;
type Values = Record<string, unknown>;

/**
 * 发展其入团的团组织: the current value is labelled with the record's own `developedByOrgName`, so an org
 * outside the acting org's scope (which cannot be looked up or searched from here) still shows by name.
 */
function DevelopedBySelect({
  actingOrgId,
  initial,
  ...field
}: {
  actingOrgId: number;
  initial: { id: number; name: string | null } | null;
  value?: number | null;
  onChange?: (id: number | null) => void;
  id?: string;
}) {
  const choice = initial ? { id: initial.id, name: initial.name ?? `组织编号 ${initial.id}` } : null;
  return <OrgSelect actingOrgId={actingOrgId} initial={choice} placeholder="不填写则视为所在团支部" {...field} />;
}

/** 录入团员 (CreateMemberRequest) or 编辑 (UpdateMemberRequest: never name or ID number, MEM-5). */
export function MemberFormModal({ org, member, onClose }: { org: Org; member?: Member; onClose: () => void }) {
  const { actingOrgId, reloadTreeNode } = useManage();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const isCadre = Form.useWatch('isCadre', form) as boolean | undefined;
  const editing = member !== undefined;

  const initialValues: Values = editing
    ? {
        joinedLeagueAt: member.joinedLeagueAt,
        admittedAt: member.admittedAt ?? undefined,
        developmentNumber: member.developmentNumber ?? undefined,
        identityEvidence: member.identityEvidence ?? undefined,
        isCadre: member.isCadre,
        leaguePosition: member.leaguePosition ?? undefined,
        developedByOrgId: member.developedByOrgId ?? undefined,
        ...Object.fromEntries([...BASIC_PROFILE_KEYS, ...DESTINATION_KEYS].filter((k) => k !== 'phone').map((k) => [k, member[k] ?? undefined])),
      }
    : {
        branchId: org.kind === 'BRANCH' ? org.id : undefined,
        politicalStatus: 'LEAGUE_MEMBER',
        identityEvidence: 'APPLICATION_FORM',
        isCadre: false,
      };

  const save = useMutation({
    mutationFn: (payload: Values) =>
      editing ? api.patch<Member>(`/api/members/${member.id}`, payload, { orgId: actingOrgId }) : api.post<Member>('/api/members', payload, { orgId: actingOrgId }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['members', actingOrgId] });
      queryClient.setQueryData(['member', actingOrgId, saved.id], saved);
      if (editing) {
        message.success('已保存');
      } else {
        if (saved.branchId) reloadTreeNode(saved.branchId);
        void queryClient.invalidateQueries({ queryKey: ['org', actingOrgId] });
        modal.success({
          title: `已录入团员 ${saved.name}`,
          content: '团员可用身份证号码登录，初始密码为身份证号码后8位，首次登录须修改密码。',
        });
      }
      onClose();
    },
    onError: (err) => setError({ message: errorMessage(err), details: applyServerErrors(form, err) }),
  });

  const submit = (raw: Values) => {
    setError(null);
    const values = emptyToNull(raw);
    if (!values.isCadre) values.leaguePosition = null;
    if (editing) {
      const { phone, ...rest } = values;
      const patch: Values = changedFields(rest, member as unknown as Record<string, unknown>);
      if (phone) patch.phone = phone;
      if (Object.keys(patch).length === 0) {
        message.info('没有需要保存的修改');
        onClose();
        return;
      }
      if (!checkWithSchema(form, UpdateMemberRequest, patch)) return;
      save.mutate(patch);
    } else {
      const payload = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
      if (!checkWithSchema(form, CreateMemberRequest, payload)) return;
      save.mutate(payload);
    }
  };

  const optional = (
    <>
      <Row gutter={16}>
        <Col {...half}>
          <Form.Item label="支部大会通过日期" name="admittedAt" {...dateField} extra="用于核对是否在一个月内录入（MEM-4）">
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item label="发展其入团的团组织" name="developedByOrgId">
            <DevelopedBySelect
              actingOrgId={actingOrgId}
              initial={editing && member.developedByOrgId !== null ? { id: member.developedByOrgId, name: member.developedByOrgName } : null}
            />
          </Form.Item>
        </Col>
      </Row>
      <ProfileFieldGrid keys={BASIC_PROFILE_KEYS.filter((k) => !['phone', 'ethnicity', 'politicalStatus'].includes(k))} />
      <ProfileFieldGrid keys={DESTINATION_KEYS} />
    </>
  );

  return (
    <ResponsiveModal
      open
      title={editing ? `编辑团员 · ${member.name}` : '录入团员'}
      okText={editing ? '保存' : '录入'}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      width={860}
    >
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form form={form} name={editing ? 'memberEdit' : 'memberCreate'} layout="vertical" initialValues={initialValues} onFinish={submit} scrollToFirstError>
        {editing ? (
          <>
            <Descriptions
              size="small"
              bordered
              column={{ xs: 1, md: 2 }}
              style={{ marginBottom: 8 }}
              items={[
                { key: 'name', label: '姓名', children: member.name },
                { key: 'id', label: '身份证号码', children: member.idNumber },
                { key: 'branch', label: '所在团支部', children: member.branchName ?? '' },
              ]}
            />
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title="姓名和身份证号码不能修改（MEM-5）"
              description="如录入有误，请向上级报告，由后台删除后重新录入。调整所在团支部请办理组织关系转接。"
            />
          </>
        ) : (
          <Row gutter={16}>
            <Col xs={24}>
              <Form.Item label="所在团支部" name="branchId" rules={[{ required: true, message: '请选择团员所在的团支部' }]}>
                <OrgSelect
                  actingOrgId={actingOrgId}
                  kind="BRANCH"
                  browseUnder={org.kind === 'BRANCH' ? undefined : org.id}
                  initial={org.kind === 'BRANCH' ? { id: org.id, name: org.name, kind: org.kind } : null}
                  placeholder="输入团支部名称搜索"
                />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item label="姓名" name="name" required rules={[zodRule(shape.name)]}>
                <Input maxLength={40} autoComplete="off" />
              </Form.Item>
            </Col>
            <Col {...half}>
              <IdNumberItem />
            </Col>
          </Row>
        )}
        <Row gutter={16}>
          <Col {...half}>{profileItem('ethnicity')}</Col>
          <Col {...half}>{profileItem('politicalStatus')}</Col>
          <Col {...half}>
            <Form.Item label="入团年月" name="joinedLeagueAt" required rules={[zodRule(shape.joinedLeagueAt)]} {...monthField}>
              <DatePicker picker="month" style={{ width: '100%' }} placeholder="选择年月" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label="团员身份认定依据" name="identityEvidence" extra="2017年及以后入团须有入团志愿书（MEM-3）">
              <Select allowClear options={optionsOf(IDENTITY_EVIDENCE_LABELS)} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label="发展团员编号" name="developmentNumber" rules={[zodRule(shape.developmentNumber)]} extra="2017年及以后入团须填写：12位数字，前4位为入团年份">
              <Input maxLength={32} inputMode="numeric" />
            </Form.Item>
          </Col>
          <Col {...half}>
            {profileItem('phone', { maskedPhone: editing ? member.phone : undefined })}
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label="是否团干部" name="isCadre" valuePropName="checked">
              <Switch checkedChildren="是" unCheckedChildren="否" />
            </Form.Item>
          </Col>
          {isCadre && (
            <Col xs={12} md={6}>
              <Form.Item label="团内职务" name="leaguePosition" rules={[{ required: true, message: '团干部须填写团内职务' }]}>
                <Select options={listOptions(BRANCH_POSITIONS)} placeholder="请选择" />
              </Form.Item>
            </Col>
          )}
        </Row>
        <Collapse
          items={[{ key: 'more', label: editing ? '其他信息' : '其他信息（选填）', forceRender: true, children: optional }]}
          defaultActiveKey={editing ? ['more'] : []}
        />
      </Form>
    </ResponsiveModal>
  );
}
