import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Select, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { Admin, Cadre, Org, Page } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { formatDateTime } from '../../lib/format';
import { useManage } from '../context';

/** 新增管理员 (ADM-1): chosen among the org's current cadres; the server creates the account. */
function GrantAdminModal({ org, onClose }: { org: Org; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ personId: number }>();
  const [error, setError] = useState<string | null>(null);
  const cadres = useQuery({
    queryKey: ['cadres', actingOrgId, org.id, false, 'all'],
    queryFn: () => api.get<Page<Cadre>>('/api/cadres', { orgId: actingOrgId, query: { orgId: org.id, pageSize: 100 } }),
  });
  const grant = useMutation({
    mutationFn: (personId: number) => api.post<Admin>('/api/admins', { orgId: org.id, personId }, { orgId: actingOrgId }),
    onSuccess: (a) => {
      void queryClient.invalidateQueries({ queryKey: ['admins', actingOrgId] });
      void queryClient.invalidateQueries({ queryKey: ['cadres', actingOrgId] });
      message.success(`${a.name} 已成为 ${a.orgName} 的管理员`);
      onClose();
    },
    onError: (err) => setError(errorMessage(err)),
  });
  const candidates = (cadres.data?.items ?? []).filter((c) => c.can.grantAdmin);
  return (
    <ResponsiveModal open title={`新增管理员 · ${org.name}`} okText="设为管理员" onOk={() => form.submit()} onCancel={onClose} confirmLoading={grant.isPending} width={560}>
      <Typography.Paragraph type="secondary">
        管理员须先录入为本组织的团干部（ADM-1）。如此人还没有账号，系统会立即创建：账号为身份证号码，初始密码为身份证号码后8位。
      </Typography.Paragraph>
      <FormErrors message={error} />
      {cadres.isError && <Alert type="error" showIcon title={errorMessage(cadres.error)} />}
      <Form form={form} name="grantAdmin" layout="vertical" onFinish={(v) => grant.mutate(v.personId)}>
        <Form.Item label="团干部" name="personId" rules={[{ required: true, message: '请选择团干部' }]}>
          <Select
            loading={cadres.isPending}
            placeholder={candidates.length === 0 && !cadres.isPending ? '没有可设为管理员的在任团干部' : '请选择'}
            options={candidates.map((c) => ({ value: c.personId, label: `${c.name}（${c.position}，${c.idNumber}）` }))}
          />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

/** 管理员 of the current org: list, 新增, 撤销 (takes effect at once). */
export function AdminsTab({ org }: { org: Org }) {
  const { actingOrgId } = useManage();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [page, setPage] = useState(1);
  const [granting, setGranting] = useState(false);
  const list = useQuery({
    queryKey: ['admins', actingOrgId, org.id, includeRevoked, page],
    queryFn: () => api.get<Page<Admin>>('/api/admins', { orgId: actingOrgId, query: { orgId: org.id, includeRevoked, page, pageSize: 50 } }),
    placeholderData: keepPreviousData,
  });

  const revoke = (a: Admin) =>
    modal.confirm({
      title: `撤销 ${a.name} 的管理员身份？`,
      content: `撤销后立即生效：${a.name} 将不能再管理“${a.orgName}”，其当前登录会被结束。`,
      okText: '撤销',
      okButtonProps: { danger: true },
      cancelText: '取消',
      onOk: async () => {
        try {
          await api.post(`/api/admins/${a.id}/revoke`, {}, { orgId: actingOrgId });
          message.success(`已撤销 ${a.name} 的管理员身份`);
          void queryClient.invalidateQueries({ queryKey: ['admins', actingOrgId] });
          void queryClient.invalidateQueries({ queryKey: ['cadres', actingOrgId] });
        } catch (err) {
          modal.error({ title: '无法撤销', content: errorMessage(err) });
        }
      },
    });

  // Issue 7: a colleague who lost their authenticator binds a new one at their next login.
  const resetMfa = (a: Admin) =>
    modal.confirm({
      title: `重置 ${a.name} 的二次验证？`,
      content: `适用于其手机丢失且恢复码用完的情况。重置后其当前登录会被结束，下次登录时须重新绑定身份验证器。请先当面或电话核实本人身份。`,
      okText: '重置',
      okButtonProps: { danger: true },
      cancelText: '取消',
      onOk: async () => {
        try {
          await api.post(`/api/admins/${a.id}/mfa-reset`, {}, { orgId: actingOrgId });
          message.success(`已重置 ${a.name} 的二次验证`);
        } catch (err) {
          modal.error({ title: '无法重置', content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<Admin> = [
    { title: '姓名', dataIndex: 'name', key: 'name', fixed: 'left', width: 100 },
    { title: '职务', dataIndex: 'position', key: 'position', width: 100, render: (v: string | null) => v ?? '' },
    { title: '身份证号码', dataIndex: 'idNumber', key: 'idNumber', width: 190, render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span> },
    { title: '手机号码', dataIndex: 'phone', key: 'phone', width: 130, render: (v: string | null) => v ?? '' },
    { title: '授权时间', dataIndex: 'grantedAt', key: 'grantedAt', width: 150, render: (v: string, a) => `${formatDateTime(v)}${a.grantedByName ? ` · ${a.grantedByName}` : ''}` },
    {
      title: '状态',
      dataIndex: 'revokedAt',
      key: 'revokedAt',
      width: 170,
      render: (v: string | null, a) => (v ? `已撤销：${formatDateTime(v)}${a.revokedByName ? ` · ${a.revokedByName}` : ''}` : <Typography.Text type="success">有效</Typography.Text>),
    },
    {
      title: '操作',
      key: 'actions',
      fixed: 'right',
      width: 170,
      render: (_v, a) =>
        a.can.revoke ? (
          <Space size={0}>
            <Button size="small" type="link" onClick={() => resetMfa(a)}>
              重置二次验证
            </Button>
            <Button size="small" type="link" danger onClick={() => revoke(a)}>
              撤销
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <div>
      <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
        <Space>
          <Switch checked={includeRevoked} onChange={(v) => { setIncludeRevoked(v); setPage(1); }} aria-label="显示已撤销" />
          <span>显示已撤销</span>
        </Space>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setGranting(true)}>
          新增管理员
        </Button>
      </Space>
      {list.isError && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 8 }} />}
      <Table<Admin>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data?.items}
        loading={list.isFetching}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: '该组织暂无管理员' }}
        pagination={{ current: page, pageSize: 50, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 条` }}
      />
      {granting && <GrantAdminModal org={org} onClose={() => setGranting(false)} />}
    </div>
  );
}
