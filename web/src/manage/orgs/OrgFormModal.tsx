import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Col, Descriptions, Form, Input, Row, Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { CreateOrgRequest, UpdateOrgRequest } from '../../../../src/contracts/orgs';
import {
  INDUSTRY_CATEGORY_LABELS,
  LEADERSHIP_LEVEL_LABELS,
  ORG_KIND_LABELS,
  SPECIAL_KIND_LABELS,
  type IndustryCategory,
  type OrgKind,
} from '../../../../src/domain/enums';
import { allowedChildLevels, isSchoolDomain } from '../../../../src/domain/orgs';
import { api, errorMessage } from '../../api/client';
import type { Org } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { RegionPicker } from '../../components/RegionPicker';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { applyServerErrors, changedFields, checkWithSchema, emptyToNull, zodRule } from '../../lib/forms';
import { optionsOf } from '../../lib/format';
import { half } from '../../members/fields';
import { useManage } from '../context';

const create = CreateOrgRequest.shape;
type Values = Record<string, unknown>;

/**
 * 新建下级组织 under `parent` (kinds from the server's `can.createChildKinds`; 全称 suggested from the
 * parent and the 简称, ORG-9) or 编辑 an existing org (`org`).
 */
export function OrgFormModal({ parent, org, onClose }: { parent?: Org; org?: Org; onClose: (saved?: Org) => void }) {
  const { actingOrgId, reloadTreeNode } = useManage();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const editing = org !== undefined;
  const kind = Form.useWatch('kind', form) as OrgKind | undefined;
  const name = Form.useWatch('name', form) as string | undefined;
  const industry = Form.useWatch('industryCategory', form) as IndustryCategory | undefined;
  const fullNameTouched = useRef(editing);

  // ORG-9: propose the 全称 from the parent's and the typed 简称 until the user edits it.
  useEffect(() => {
    if (editing || !parent || !kind || !name?.trim() || fullNameTouched.current) return;
    const t = setTimeout(() => {
      api
        .get<{ fullName: string }>('/api/org-full-name-suggestion', { orgId: actingOrgId, query: { parentId: parent.id, kind, name: name.trim() } })
        .then((r) => {
          if (!fullNameTouched.current) form.setFieldValue('fullName', r.fullName);
        })
        .catch(() => undefined);
    }, 300);
    return () => clearTimeout(t);
  }, [editing, parent, kind, name, actingOrgId, form]);

  const save = useMutation({
    mutationFn: (payload: Values) =>
      editing ? api.patch<Org>(`/api/orgs/${org.id}`, payload, { orgId: actingOrgId }) : api.post<Org>('/api/orgs', payload, { orgId: actingOrgId }),
    onSuccess: (saved) => {
      queryClient.setQueryData(['org', actingOrgId, saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['children', actingOrgId] });
      void queryClient.invalidateQueries({ queryKey: ['org', actingOrgId] });
      if (saved.parentId !== null) reloadTreeNode(saved.parentId);
      message.success(editing ? '已保存' : `已新建 ${saved.name}`);
      onClose(saved);
    },
    onError: (err) => setError({ message: errorMessage(err), details: applyServerErrors(form, err) }),
  });

  const submit = (raw: Values) => {
    setError(null);
    const values = emptyToNull(raw);
    if (values.industryCategory && !isSchoolDomain(values.industryCategory as IndustryCategory)) values.schoolCode = null;
    if (editing) {
      const patch = changedFields(values, org as unknown as Record<string, unknown>);
      if (Object.keys(patch).length === 0) {
        message.info('没有需要保存的修改');
        onClose();
        return;
      }
      if (checkWithSchema(form, UpdateOrgRequest, patch)) save.mutate(patch);
    } else {
      const payload = Object.fromEntries(Object.entries({ ...values, parentId: parent!.id }).filter(([, v]) => v !== null));
      if (checkWithSchema(form, CreateOrgRequest, payload)) save.mutate(payload);
    }
  };

  const kinds = parent?.can.createChildKinds ?? [];
  const levels = parent ? allowedChildLevels(parent) : [];
  const initialValues: Values = editing
    ? {
        name: org.name,
        fullName: org.fullName,
        industryCategory: org.industryCategory,
        regionCode: org.regionCode ?? undefined,
        schoolCode: org.schoolCode ?? undefined,
        contactPhone: org.contactPhone ?? undefined,
        email: org.email ?? undefined,
      }
    : {
        kind: kinds.length === 1 ? kinds[0] : undefined,
        industryCategory: parent?.industryCategory,
        regionCode: parent?.regionCode ?? undefined,
      };

  return (
    <ResponsiveModal
      open
      title={editing ? `编辑组织 · ${org.name}` : `新建下级组织 · ${parent?.name ?? ''}`}
      okText={editing ? '保存' : '新建'}
      onOk={() => form.submit()}
      onCancel={() => onClose()}
      confirmLoading={save.isPending}
      width={820}
    >
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form form={form} name={editing ? 'orgEdit' : 'orgCreate'} layout="vertical" initialValues={initialValues} onFinish={submit} scrollToFirstError>
        {editing && (
          <Descriptions
            size="small"
            bordered
            style={{ marginBottom: 16 }}
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'kind', label: '组织类型', children: ORG_KIND_LABELS[org.kind] + (org.specialKind ? `（${SPECIAL_KIND_LABELS[org.specialKind]}）` : '') },
              { key: 'parent', label: '上级组织', children: org.ancestors.length > 1 ? org.ancestors[org.ancestors.length - 2]!.name : '—' },
            ]}
          />
        )}
        <Row gutter={16}>
          {!editing && (
            <>
              <Col {...half}>
                <Form.Item label="组织类型" name="kind" rules={[{ required: true, message: '请选择组织类型' }]}>
                  <Select options={optionsOf(ORG_KIND_LABELS, kinds)} placeholder="请选择" />
                </Form.Item>
              </Col>
              {kind === 'LEADERSHIP' && (
                <Col {...half}>
                  <Form.Item label="领导机关层级" name="leadershipLevel" rules={[{ required: true, message: '领导机关团委须指明层级' }]}>
                    <Select options={optionsOf(LEADERSHIP_LEVEL_LABELS, levels)} placeholder="请选择" />
                  </Form.Item>
                </Col>
              )}
              {kind === 'BRANCH' && (
                <Col {...half}>
                  <Form.Item label="特殊团支部" name="specialKind" extra="普通团支部不选">
                    <Select allowClear options={optionsOf(SPECIAL_KIND_LABELS)} placeholder="普通团支部" />
                  </Form.Item>
                </Col>
              )}
            </>
          )}
          <Col {...half}>
            <Form.Item label="组织简称" name="name" required rules={[zodRule(create.name)]} extra="列表中显示的名称，例如“2026级软件工程班团支部”">
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item
              label="组织全称"
              name="fullName"
              required
              rules={[zodRule(create.fullName)]}
              extra="中国共产主义青年团 + 地区 + 单位 + 委员会／总支部委员会／支部委员会（ORG-9）"
            >
              <Input maxLength={120} onChange={() => (fullNameTouched.current = true)} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label="单位所属行业类别" name="industryCategory" rules={[{ required: true, message: '请选择行业类别' }]}>
              <Select options={optionsOf(INDUSTRY_CATEGORY_LABELS)} placeholder="请选择" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label="所在行政区划" name="regionCode" extra="县级团委直属的乡镇街道组织请选到乡镇街道（ORG-3）">
              <RegionPicker />
            </Form.Item>
          </Col>
          {industry && isSchoolDomain(industry) && (
            <Col {...half}>
              <Form.Item label="学校编码" name="schoolCode" rules={[zodRule(create.schoolCode)]} extra="学校领域的团组织填写（ORG-4）">
                <Input maxLength={32} />
              </Form.Item>
            </Col>
          )}
          <Col {...half}>
            <Form.Item label="联系电话" name="contactPhone" rules={[zodRule(create.contactPhone)]}>
              <Input maxLength={20} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label="电子邮箱" name="email" rules={[zodRule(create.email)]}>
              <Input maxLength={128} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </ResponsiveModal>
  );
}
