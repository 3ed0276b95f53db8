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

// FAILED (a change refused by a rule or a conflict, OPERATION_REFUSED) in red; DENIED (no access) in orange.
const RESULT_LABELS: Record<AuditEntry['result'], { label: string; color: string }> = {
  OK: { label: '成功', color: 'success' },
  DENIED: { label: '拒绝访问', color: 'warning' },
  FAILED: { label: '失败', color: 'error' },
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

const OBJECT_TYPE_LABELS: Record<string, string> = { org: '组织', member: '团员', cadre: '团干部', admin: '管理员', person: '人员' };
// Reasons the server writes as codes.
const REASON_LABELS: Record<string, string> = { OUT_OF_SCOPE: '不在本组织的管理范围内' };

/** The object by its label; without one (a refusal), by its kind and number. */
function objectText(r: AuditEntry): string {
  if (r.objectLabel) return r.objectLabel;
  if (!r.objectId) return '';
  return `${r.objectType ? (OBJECT_TYPE_LABELS[r.objectType] ?? r.objectType) : '对象'} #${r.objectId}`;
}

/** OPERATION_REFUSED reasons read "operationId: CODE message"; the list shows the message. */
function parseRefusal(reason: string): { operation: string; code: string; message: string } | null {
  const m = /^(\S+): ([A-Z][A-Z0-9_]*) ([\s\S]*)$/.exec(reason);
  return m ? { operation: m[1]!, code: m[2]!, message: m[3]! } : null;
}

function shortReason(r: AuditEntry): string {
  if (!r.reason) return '';
  if (r.action === 'OPERATION_REFUSED') return parseRefusal(r.reason)?.message ?? r.reason;
  return REASON_LABELS[r.reason] ?? r.reason;
}

/** An expanded row: the whole reason (refusals in red) and the fields changed. */
function AuditDetail({ r }: { r: AuditEntry }) {
  const refusal = r.action === 'OPERATION_REFUSED' && r.reason ? parseRefusal(r.reason) : null;
  const changes = Object.entries(r.changes ?? {});
  return (
    <div style={{ maxWidth: 720 }}>
      {r.reason && (
        <Typography.Paragraph style={{ marginBottom: changes.length > 0 ? 8 : 0 }}>
          <Typography.Text type="secondary">说明：</Typography.Text>
          <Typography.Text type={r.result === 'FAILED' ? 'danger' : undefined} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {shortReason(r)}
          </Typography.Text>
          {(refusal || shortReason(r) !== r.reason) && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, wordBreak: 'break-word' }}>
              {refusal ? `被拒绝的操作：${refusal.operation} · 代码：${refusal.code}` : `代码：${r.reason}`}
              {r.objectId ? ` · ${objectText(r)}` : ''}
            </Typography.Text>
          )}
        </Typography.Paragraph>
      )}
      {changes.length > 0 && (
        <Table
          size="small"
          pagination={false}
          rowKey="field"
          dataSource={changes.map(([field, c]) => ({ field, before: c.before, after: c.after }))}
          columns={[
            { title: '字段', dataIndex: 'field', key: 'field', render: (f: string) => FIELD_LABELS[f] ?? f },
            { title: '修改前', dataIndex: 'before', key: 'before', render: (v: unknown, row) => show(row.field, v) },
            { title: '修改后', dataIndex: 'after', key: 'after', render: (v: unknown, row) => show(row.field, v) },
          ]}
        />
      )}
    </div>
  );
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
    // Fixed, so on a phone the table scrolls sideways under it and an expanded row stays in view.
    { title: '时间', dataIndex: 'at', key: 'at', fixed: 'left', width: 150, render: (v: string) => formatDateTime(v) },
    { title: '操作人', dataIndex: 'actorName', key: 'actorName', width: 100, render: (v: string | null) => v ?? '（未登录）' },
    { title: '操作', dataIndex: 'action', key: 'action', width: 150, render: (v: string) => AUDIT_ACTION_LABELS[v] ?? v },
    { title: '对象', dataIndex: 'objectLabel', key: 'objectLabel', width: 240, ellipsis: true, render: (_v, r) => objectText(r) },
    {
      title: '结果',
      dataIndex: 'result',
      key: 'result',
      width: 80,
      render: (v: AuditEntry['result']) => <Tag color={RESULT_LABELS[v].color}>{RESULT_LABELS[v].label}</Tag>,
    },
    {
      title: '说明',
      dataIndex: 'reason',
      key: 'reason',
      width: 240,
      ellipsis: true,
      render: (_v, r) => <Typography.Text type={r.result === 'FAILED' ? 'danger' : undefined}>{shortReason(r)}</Typography.Text>,
    },
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
          rowExpandable: (r) => !!r.reason || (!!r.changes && Object.keys(r.changes).length > 0),
          expandedRowRender: (r) => <AuditDetail r={r} />,
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
