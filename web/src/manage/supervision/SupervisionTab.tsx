import { DownloadOutlined, EditOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Breadcrumb, Button, Card, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { Suspense, lazy, useMemo, useState } from 'react';
import { EDU_COUNT_LABELS, type EduCountField } from '../../../../src/domain/supervision';
import {
  DEV_COLUMNS,
  EDU_COLUMNS,
  FIGURE_TITLES,
  GRADUATION_COLUMNS,
  ROLLUP_COLUMNS,
  TRANSFER_COLUMNS,
  formatCell,
  type FigureColumn,
  type FigureId,
} from '../../../../src/domain/supervision-figures';
import { api, download, errorMessage } from '../../api/client';
import type { Org, Page } from '../../api/types';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { useIsMobile } from '../../lib/useIsMobile';
import { useManage } from '../context';

// ECharts is the largest library of the app: loaded with the first chart, not with the login page.
const FigureChart = lazy(() => import('./FigureChart'));

interface Drill {
  orgId: number;
  name: string;
  kind: string;
  hasChildren: boolean;
}
interface FigureData<R> {
  org: { id: number; name: string };
  breadcrumb: { id: number; name: string }[];
  year: number;
  total: R;
  rows: R[];
}
type RollupRow = Drill & Parameters<(typeof ROLLUP_COLUMNS)['ST1'][number]['value']>[0];
type GradRow = Drill & Parameters<(typeof GRADUATION_COLUMNS)[number]['value']>[0];
type DevRow = Drill & Parameters<(typeof DEV_COLUMNS)[number]['value']>[0];
type TransferRow = Drill & Parameters<(typeof TRANSFER_COLUMNS)[number]['value']>[0];
type EduRow = Drill & Parameters<(typeof EDU_COLUMNS)[number]['value']>[0] & { eduGraduatingStudents: number | null };

const THIS_YEAR = new Date().getFullYear();
const YEARS = Array.from({ length: THIS_YEAR - 2017 + 2 }, (_, i) => THIS_YEAR + 1 - i);

/**
 * One figure as a breadcrumb, a chart and a table (next-level orgs, then 合计). A row with orgs below
 * drills down: it selects that org in 管理中心, so the tree, the URL and this tab follow.
 */
function FigureView<R extends Drill>({
  data,
  columns,
  chartKeys,
  extraColumns = [],
}: {
  data: FigureData<R>;
  columns: FigureColumn<R>[];
  chartKeys: string[];
  extraColumns?: ColumnsType<R>;
}) {
  const { selectOrg } = useManage();
  // Any row drills down, a branch too (its own figures, no rows below).
  const drill = (r: R) => r.orgId !== data.org.id && selectOrg(r.orgId);
  const charted = columns.filter((c) => chartKeys.includes(c.key));
  const categories = useMemo(() => data.rows.map((r) => r.name), [data.rows]);
  const series = useMemo(() => charted.map((c) => ({ name: c.label, values: data.rows.map((r) => c.value(r)), percent: c.kind === 'ratio' })), [charted, data.rows]);
  const tableColumns: ColumnsType<R> = [
    {
      title: '组织',
      key: 'name',
      fixed: 'left',
      width: 180,
      render: (_, r) => <a onClick={() => drill(r)}>{r.name}</a>,
    },
    ...columns.map((c) => ({
      title: c.label,
      key: c.key,
      align: 'right' as const,
      width: 120,
      render: (_: unknown, r: R) => {
        const v = c.value(r);
        const text = formatCell(c.kind, v);
        return c.kind === 'ratio' && c.target !== undefined && v !== null && v < c.target ? <Typography.Text type="danger">{text}</Typography.Text> : text;
      },
    })),
    ...extraColumns,
  ];
  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={data.breadcrumb.map((b, i) => (i === data.breadcrumb.length - 1 ? { key: b.id, title: b.name } : { key: b.id, title: <a onClick={() => selectOrg(b.id)}>{b.name}</a> }))}
      />
      {data.rows.length > 0 && (
        <Suspense fallback={<div style={{ height: 280 }} />}>
          <FigureChart categories={categories} series={series} onPick={(i) => drill(data.rows[i]!)} />
        </Suspense>
      )}
      <Table<R>
        size="small"
        rowKey="orgId"
        columns={tableColumns}
        dataSource={data.rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        onRow={(r) => ({ onClick: (e) => (e.target as HTMLElement).closest('button, a') === null && drill(r), style: { cursor: 'pointer' } })}
        locale={{ emptyText: '没有下级组织' }}
        summary={() => (
          <Table.Summary fixed>
            <Table.Summary.Row style={{ fontWeight: 600 }}>
              <Table.Summary.Cell index={0}>合计（{data.total.name}）</Table.Summary.Cell>
              {columns.map((c, i) => (
                <Table.Summary.Cell key={c.key} index={i + 1} align="right">
                  {formatCell(c.kind, c.value(data.total))}
                </Table.Summary.Cell>
              ))}
              {extraColumns.map((col, i) => (
                // The org's own row: facts like REP-3's gap apply to it too; actions do not.
                <Table.Summary.Cell key={`x${i}`} index={columns.length + 1 + i}>
                  {col.key === 'over' || col.key === 'explanation' ? ((col as { render?: (v: unknown, r: R, i: number) => React.ReactNode }).render?.(undefined, data.total, -1) ?? null) : null}
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          </Table.Summary>
        )}
      />
    </>
  );
}

function CensusModal({ target, year, onClose }: { target: { orgId: number; name: string; census: number | null } | null; year: number; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [count, setCount] = useState<number | null>(null);
  const save = useMutation({
    mutationFn: () => api.post('/api/supervision/census', { orgId: target!.orgId, year, count }, { orgId: actingOrgId }),
    onSuccess: () => {
      void message.success('团统数已保存');
      void qc.invalidateQueries({ queryKey: ['supervision'] });
      onClose();
    },
  });
  return (
    <ResponsiveModal open={!!target} title={`填报 ${year} 年团统数：${target?.name ?? ''}`} onCancel={onClose} onOk={() => save.mutate()} okButtonProps={{ disabled: count === null, loading: save.isPending }} width={420}>
      {save.isError && <Alert type="error" showIcon title={errorMessage(save.error)} style={{ marginBottom: 12 }} />}
      <Form layout="vertical">
        <Form.Item label="团统数（年度团内统计的团员数）" required>
          <InputNumber id="census-count" min={0} max={100_000_000} precision={0} style={{ width: '100%' }} defaultValue={target?.census ?? undefined} onChange={(v) => setCount(v)} />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

function UnmarkedList({ orgId }: { orgId: number }) {
  const { actingOrgId } = useManage();
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['supervision', 'unmarked', actingOrgId, orgId, page],
    queryFn: () => api.get<Page<{ id: number; name: string; fullName: string; parentName: string | null; regionName: string | null }>>('/api/supervision/unmarked-branches', { orgId: actingOrgId, query: { orgId, page, pageSize: 10 } }),
    placeholderData: keepPreviousData,
  });
  return (
    <Card size="small" title={`未标记毕业时间的学校团支部（${list.data?.total ?? 0}）`} style={{ marginTop: 12 }}>
      <Table
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 10, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: '团支部', dataIndex: 'name' },
          { title: '上级组织', dataIndex: 'parentName' },
          { title: '所属下级', dataIndex: 'regionName', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </Card>
  );
}

function EduForm({ year, total }: { year: number; total: EduRow }) {
  const { actingOrgId } = useManage();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const save = useMutation({
    mutationFn: (values: Record<string, unknown>) => api.post('/api/supervision/edu-counts', { ...values, year }, { orgId: actingOrgId }),
    onSuccess: () => {
      void message.success('教统数据已保存');
      void qc.invalidateQueries({ queryKey: ['supervision'] });
    },
  });
  const fields: (EduCountField | 'students' | 'graduatingStudents')[] = ['schools', 'gradClasses', 'students', 'studentMembers', 'graduatingStudents'];
  return (
    <Card size="small" title={`填报本级 ${year} 年教统数据（与团内统计差距超过5%须说明）`} style={{ marginTop: 12 }}>
      {save.isError && <Alert type="error" showIcon title={errorMessage(save.error)} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="inline"
        initialValues={{
          schools: total.eduSchools ?? undefined,
          gradClasses: total.eduGradClasses ?? undefined,
          students: total.eduStudents ?? undefined,
          studentMembers: total.eduStudentMembers ?? undefined,
          graduatingStudents: total.eduGraduatingStudents ?? undefined,
          explanation: total.explanation ?? undefined,
        }}
        onFinish={(v) => save.mutate(v)}
      >
        {fields.map((k) => (
          <Form.Item key={k} name={k} label={EDU_COUNT_LABELS[k]} rules={[{ required: true, message: '必填' }]} style={{ marginBottom: 8 }}>
            <InputNumber min={0} precision={0} style={{ width: 110 }} />
          </Form.Item>
        ))}
        <Form.Item name="explanation" label="情况说明" style={{ width: '100%', marginBottom: 8 }}>
          <Input.TextArea rows={2} maxLength={2000} placeholder="差距超过5%时必填，不少于10个字" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存
        </Button>
      </Form>
    </Card>
  );
}

const FIGURES: FigureId[] = ['ST1', 'ST2', 'ST3', 'ST4', 'ST5', 'ST6', 'ST7', 'REP3'];
const SHORT: Record<FigureId, string> = {
  ST1: '录入率',
  ST2: '录入与完整度',
  ST3: '新发展团员',
  ST4: '毕业时间标记',
  ST5: '毕业统计',
  ST6: '转接进度',
  ST7: '发展编号',
  REP3: '教统核团统',
};
const WITH_YEAR: FigureId[] = ['ST1', 'ST5', 'ST6', 'REP3'];

/** 统计监督: the figures of the selected org's subtree, broken down by its next level (ST-1 … ST-7, REP-3). */
export function SupervisionTab({ org }: { org: Org }) {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const mobile = useIsMobile();
  const [figure, setFigure] = useState<FigureId>('ST1');
  const [year, setYear] = useState(THIS_YEAR);
  const [census, setCensus] = useState<{ orgId: number; name: string; census: number | null } | null>(null);
  const [exporting, setExporting] = useState(false);
  const endpoint = figure === 'ST5' ? 'graduation' : figure === 'ST6' ? 'transfers' : figure === 'ST7' ? 'dev-numbers' : figure === 'REP3' ? 'edu-counts' : 'figures';
  const query = { orgId: org.id, year: WITH_YEAR.includes(figure) || endpoint === 'figures' ? year : undefined };
  const data = useQuery({
    queryKey: ['supervision', endpoint, actingOrgId, query],
    queryFn: () => api.get<FigureData<never> & Record<string, unknown>>(`/api/supervision/${endpoint}`, { orgId: actingOrgId, query: endpoint === 'dev-numbers' ? { orgId: org.id } : query }),
    placeholderData: keepPreviousData,
  });

  const exportFile = async (path: string, q: Record<string, string | number | undefined>, name: string) => {
    setExporting(true);
    try {
      const file = await download(path, { orgId: actingOrgId, query: q }, name);
      void message.success(`已导出 ${file}`);
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  const d = data.data;
  let body: React.ReactNode = null;
  if (d) {
    if (figure === 'ST6')
      body = (
        <>
          <FigureView<TransferRow> data={d as unknown as FigureData<TransferRow>} columns={TRANSFER_COLUMNS} chartKeys={['notStarted', 'started', 'completed', 'overdueNodes']} />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            时间节点（TR-12）：7月25日前非升学毕业生团员100%发起转接，9月20日前基本完成接收，升学的10月15日前完成。滞后排名按发起率从低到高、超期审批从多到少排列，用于通报。
          </Typography.Paragraph>
        </>
      );
    else if (figure === 'ST5') body = <FigureView<GradRow> data={d as unknown as FigureData<GradRow>} columns={GRADUATION_COLUMNS} chartKeys={['gradBranches', 'gradMembers']} />;
    else if (figure === 'ST7') body = <FigureView<DevRow> data={d as unknown as FigureData<DevRow>} columns={DEV_COLUMNS} chartKeys={['used', 'explained', 'unused', 'accounted']} />;
    else if (figure === 'REP3') {
      const e = d as unknown as FigureData<EduRow> & { canEnter: boolean };
      body = (
        <>
          <FigureView<EduRow>
            data={e}
            columns={EDU_COLUMNS}
            chartKeys={['eduStudentMembers', 'leagueStudentMembers']}
            extraColumns={[
              {
                title: '差距超过5%',
                key: 'over',
                render: (_, r) => (!('entered' in r) || !(r as unknown as { entered: boolean }).entered ? <Tag>未填报</Tag> : (r as unknown as { overLimit: string[] }).overLimit.length === 0 ? <Tag color="green">否</Tag> : <Tag color="red">{(r as unknown as { overLimit: EduCountField[] }).overLimit.map((k) => EDU_COUNT_LABELS[k]).join('、')}</Tag>),
              },
              { title: '情况说明', key: 'explanation', render: (_, r) => (r as unknown as { explanation: string | null }).explanation ?? '—' },
            ]}
          />
          {e.canEnter && <EduForm key={`${e.year}-${e.total.orgId}`} year={e.year} total={e.total} />}
        </>
      );
    } else {
      const r = d as unknown as FigureData<RollupRow> & { canEnterCensus: boolean };
      const extra: ColumnsType<RollupRow> =
        figure === 'ST1' && r.canEnterCensus
          ? [{ title: '团统数填报', key: 'census-edit', render: (_, row) => <Button size="small" icon={<EditOutlined />} onClick={() => setCensus(row)}>填报</Button> }]
          : [];
      body = (
        <>
          <FigureView<RollupRow>
            data={r}
            columns={ROLLUP_COLUMNS[figure as 'ST1' | 'ST2' | 'ST3' | 'ST4']}
            chartKeys={{ ST1: ['census', 'membersActive', 'enteredRate'], ST2: ['branches', 'branchesEntered', 'completeRate'], ST3: ['membersSince2017', 'membersSince2019', 'membersLate2019'], ST4: ['schoolBranchesMarked', 'unmarked', 'markedRate'] }[figure as 'ST1']}
            extraColumns={extra}
          />
          {figure === 'ST1' && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              目标：入库团员团干部数不低于本年度本地区本系统团统数的95%。{r.canEnterCensus && <a onClick={() => setCensus(r.total)}>填报本级团统数</a>}
            </Typography.Paragraph>
          )}
          {figure === 'ST4' && <UnmarkedList orgId={org.id} />}
        </>
      );
    }
  }

  return (
    <div>
      <div style={{ marginBottom: 12 }}>
        {mobile ? (
          <Select<FigureId> aria-label="统计项目" value={figure} onChange={setFigure} options={FIGURES.map((f) => ({ value: f, label: FIGURE_TITLES[f] }))} style={{ width: '100%' }} />
        ) : (
          <Segmented<FigureId> value={figure} onChange={setFigure} options={FIGURES.map((f) => ({ value: f, label: <span title={FIGURE_TITLES[f]}>{SHORT[f]}</span> }))} />
        )}
      </div>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {FIGURE_TITLES[figure]}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12, display: 'flex' }}>
        {WITH_YEAR.includes(figure) && <Select aria-label="年度" value={year} onChange={setYear} options={YEARS.map((y) => ({ value: y, label: `${y}年` }))} style={{ width: 110 }} />}
        {(
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportFile('/api/supervision/export', { figure, orgId: org.id, year: query.year }, `${FIGURE_TITLES[figure]}.xlsx`)}>
            导出Excel
          </Button>
        )}
        {figure === 'ST3' && (
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportFile('/api/supervision/new-members/export', { orgId: org.id }, '新发展团员名册.xlsx')}>
            导出新发展团员名册
          </Button>
        )}
      </Space>
      {data.isError && <Alert type="error" showIcon title={errorMessage(data.error)} />}
      {data.isPending ? <Card loading size="small" /> : body}
      <CensusModal key={census?.orgId ?? 0} target={census} year={year} onClose={() => setCensus(null)} />
    </div>
  );
}
