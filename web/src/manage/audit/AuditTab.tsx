import { SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Col, DatePicker, Form, Input, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { AUDIT_ACTION_LABELS } from '../../../../src/contracts/audit';
import {
  CADRE_NATURE_LABELS,
  IDENTITY_EVIDENCE_LABELS,
  IDENTITY_STATUS_LABELS,
  INDUSTRY_CATEGORY_LABELS,
  LEAVE_REASON_LABELS,
  MEMBER_STATUS_LABELS,
  ORG_KIND_LABELS,
  POLITICAL_STATUS_LABELS,
} from '../../../../src/domain/enums';
import { api, errorMessage } from '../../api/client';
import type { AuditEntry, Page } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { MEMBER_FIELD_LABELS } from '../../members/fields';
import { useManage, useOrg } from '../context';

const RESULT_LABELS: Record<AuditEntry['result'], { label: string; color: string }> = {
  OK: { label: '成功', color: 'success' },
  DENIED: { label: '拒绝', color: 'error' },
  FAILED: { label: '失败', color: 'warning' },
};

const FIELD_LABELS: Record<string, string> = {
  ...MEMBER_FIELD_LABELS,
  fullName: '组织全称',
  kind: '组织类型',
  parentId: '上级组织',
  industryCategory: '行业类别',
  regionCode: '行政区划',
  schoolCode: '学校编码',
  contactPhone: '联系电话',
  isTownship: '是否乡镇街道',
  position: '职务',
  nature: '任职性质',
  endedAt: '卸任日期',
};
// Enum values in before/after are shown by their labels.
const VALUE_LABELS: Record<string, Record<string, string>> = {
  politicalStatus: POLITICAL_STATUS_LABELS,
  kind: ORG_KIND_LABELS,
  status: MEMBER_STATUS_LABELS,
  leaveReason: LEAVE_REASON_LABELS,
  nature: CADRE_NATURE_LABELS,
  identityStatus: IDENTITY_STATUS_LABELS,
  identityEvidence: IDENTITY_EVIDENCE_LABELS,
  industryCategory: INDUSTRY_CATEGORY_LABELS,
};

function show(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'string') return VALUE_LABELS[field]?.[v] ?? v;
  return JSON.stringify(v);
}

interface Filters {
  action?: string;
  actorName?: string;
  result?: AuditEntry['result'];
  range?: [Dayjs | null, Dayjs | null] | null;
}

/** 操作日志 (SEC-3) of the acting org's subtree; a row expands to the fields changed. */
export function AuditTab() {
  const { actingOrgId } = useManage();
  const acting = useOrg(actingOrgId, actingOrgId);
  const [form] = Form.useForm<Filters>();
  const [query, setQuery] = useState<Record<string, string | undefined>>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useQuery({
    queryKey: ['audit', actingOrgId, query, page, pageSize],
    queryFn: () => api.get<Page<AuditEntry>>('/api/audit', { orgId: actingOrgId, query: { ...query, page, pageSize } }),
    placeholderData: keepPreviousData,
  });

  const columns: ColumnsType<AuditEntry> = [
    { title: '时间', dataIndex: 'at', key: 'at', width: 150, render: (v: string) => formatDateTime(v) },
    { title: '操作人', dataIndex: 'actorName', key: 'actorName', width: 100, render: (v: string | null) => v ?? '（未登录）' },
    { title: '操作', dataIndex: 'action', key: 'action', width: 150, render: (v: string) => AUDIT_ACTION_LABELS[v] ?? v },
    { title: '对象', dataIndex: 'objectLabel', key: 'objectLabel', width: 240, ellipsis: true, render: (v: string | null) => v ?? '' },
    {
      title: '结果',
      dataIndex: 'result',
      key: 'result',
      width: 80,
      render: (v: AuditEntry['result']) => <Tag color={RESULT_LABELS[v].color}>{RESULT_LABELS[v].label}</Tag>,
    },
    { title: '说明', dataIndex: 'reason', key: 'reason', width: 220, ellipsis: true, render: (v: string | null) => v ?? '' },
    { title: '来源地址', dataIndex: 'ip', key: 'ip', width: 130, render: (v: string | null) => v ?? '' },
  ];

  const submit = (v: Filters) => {
    setQuery({
      action: v.action || undefined,
      actorName: v.actorName?.trim() || undefined,
      result: v.result || undefined,
      from: v.range?.[0]?.format('YYYY-MM-DD'),
      to: v.range?.[1]?.format('YYYY-MM-DD'),
    });
    setPage(1);
  };

  return (
    <div>
      <Form form={form} name="auditFilters" layout="vertical" onFinish={submit}>
        <Row gutter={[12, 0]}>
          <Col xs={12} md={6}>
            <Form.Item label="操作" name="action">
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="全部"
                options={Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }))}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item label="操作人" name="actorName">
              <Input allowClear placeholder="姓名开头" maxLength={40} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item label="结果" name="result">
              <Select allowClear placeholder="全部" options={Object.entries(RESULT_LABELS).map(([value, r]) => ({ value, label: r.label }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item label="日期" name="range">
              <DatePicker.RangePicker style={{ width: '100%' }} allowEmpty={[true, true]} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item label=" " colon={false}>
              <Space>
                <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                  查询
                </Button>
                <Button
                  onClick={() => {
                    form.resetFields();
                    submit({});
                  }}
                >
                  重置
                </Button>
              </Space>
            </Form.Item>
          </Col>
        </Row>
      </Form>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        范围：{acting.data?.name ?? '本级组织'}及全部下级组织的操作记录（至少保留184天）。
      </Typography.Paragraph>
      {list.isError && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 8 }} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data?.items}
        loading={list.isFetching}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: '没有符合条件的记录' }}
        expandable={{
          rowExpandable: (r) => !!r.changes && Object.keys(r.changes).length > 0,
          expandedRowRender: (r) => (
            <Table
              size="small"
              pagination={false}
              rowKey="field"
              style={{ maxWidth: 720 }}
              dataSource={Object.entries(r.changes ?? {}).map(([field, c]) => ({ field, before: c.before, after: c.after }))}
              columns={[
                { title: '字段', dataIndex: 'field', key: 'field', render: (f: string) => FIELD_LABELS[f] ?? f },
                { title: '修改前', dataIndex: 'before', key: 'before', render: (v: unknown, row) => show(row.field, v) },
                { title: '修改后', dataIndex: 'after', key: 'after', render: (v: unknown, row) => show(row.field, v) },
              ]}
            />
          ),
        }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (t) => `共 ${t} 条`,
        }}
        onChange={(p) => {
          setPage(p.current ?? 1);
          setPageSize(p.pageSize ?? 20);
        }}
      />
    </div>
  );
}
