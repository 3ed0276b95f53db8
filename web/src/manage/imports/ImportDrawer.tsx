import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Drawer, Pagination, Popconfirm, Progress, Result, Space, Steps, Table, Tag, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import type { ImportJob, ImportRowItem } from '../../../../src/contracts/imports';
import { api, download, errorMessage } from '../../api/client';
import type { Org, Page } from '../../api/types';
import { useIsMobile } from '../../lib/useIsMobile';
import { useManage } from '../context';

const MAX_BYTES = 20 * 1024 * 1024;
const BUSY = new Set(['READING', 'COMMITTING']);

const TITLES = {
  MEMBERS: { drawer: '导入团员团干部', multi: '导入下级团支部团员团干部', template: '团员团干部导入模板.xlsx' },
  CADRES: { drawer: '导入本级团干部', multi: '导入本级团干部', template: '本级团干部导入模板.xlsx' },
  DESTINATIONS: { drawer: '导入毕业生去向', multi: '导入毕业生去向', template: '毕业生去向导入模板.xlsx' },
} as const;
const INVALIDATES = { MEMBERS: 'members', CADRES: 'cadres', DESTINATIONS: 'destinations' } as const;

/**
 * The import journey (issue 2/7): template → upload (checked, then read in the background with a
 * progress bar) → every problem of every row, on screen and as the uploaded workbook with a
 * 错误说明 column → confirm (all rows) or 仅导入无误的行. Nothing is written before the confirmation.
 */
export function ImportDrawer({ kind, org, onClose }: { kind: keyof typeof TITLES; org: Org; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  const [page, setPage] = useState(1);
  const multi = kind === 'MEMBERS' && org.kind !== 'BRANCH';
  const titles = TITLES[kind];

  const job = useQuery({
    queryKey: ['import', jobId],
    enabled: jobId !== null,
    queryFn: () => api.get<ImportJob>(`/api/imports/${jobId}`, { orgId: actingOrgId }),
    refetchInterval: (q) => (q.state.data && BUSY.has(q.state.data.status) ? 800 : false),
  });
  const j = job.data;
  const rows = useQuery({
    queryKey: ['import-rows', jobId, page, j?.status],
    enabled: jobId !== null && !!j && (j.status === 'VALIDATED' || j.status === 'COMMITTED') && j.errorRows + j.warningRows > 0,
    queryFn: () => api.get<Page<ImportRowItem>>(`/api/imports/${jobId}/rows`, { orgId: actingOrgId, query: { page, pageSize: 10, errorsOnly: j?.status === 'COMMITTED' ? true : undefined } }),
  });

  const committed = j?.status === 'COMMITTED';
  // Once, when the rows are in: the lists behind the drawer show them.
  useEffect(() => {
    if (committed) void queryClient.invalidateQueries({ queryKey: [INVALIDATES[kind]] });
  }, [committed, kind, queryClient]);

  const upload = async (file: File) => {
    if (file.size > MAX_BYTES) {
      message.error('文件超过 20 MB，请拆分后分批导入');
      return;
    }
    setUploading(true);
    try {
      const created = await api.upload<ImportJob>('/api/imports', file, { orgId: actingOrgId, query: { kind, orgId: org.id, fileName: file.name } });
      setPage(1);
      setJobId(created.id);
      queryClient.setQueryData(['import', created.id], created);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setUploading(false);
    }
  };

  const commit = async (onlyValid: boolean) => {
    try {
      const next = await api.post<ImportJob>(`/api/imports/${jobId}/commit`, { onlyValid }, { orgId: actingOrgId });
      queryClient.setQueryData(['import', jobId], next);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const downloadFile = async (path: string, query: Record<string, string> | undefined, fallback: string) => {
    try {
      await download(path, { orgId: actingOrgId, query }, fallback);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const step = !j ? 0 : j.status === 'READING' ? 1 : j.status === 'COMMITTED' ? 3 : 2;

  return (
    <Drawer open title={`${multi ? titles.multi : titles.drawer} · ${org.name}`} size={mobile ? '100%' : 960} placement="right" onClose={onClose} destroyOnHidden>
      {!mobile && (
        <Steps size="small" current={step} style={{ marginBottom: 20 }} items={[{ title: '上传文件' }, { title: '读取校验' }, { title: '确认导入' }, { title: '完成' }]} />
      )}
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Alert
          type="info"
          showIcon
          title={
            kind === 'DESTINATIONS'
              ? `更新“${org.name}”毕业生的去向：请在“毕业去向”中导出名单，填写后导入（按团员编号对应，姓名须一致）。`
              : kind === 'CADRES'
              ? `导入到“${org.name}”的本级团干部；团支部的团干部随团员信息一起导入。`
              : multi
                ? `导入到“${org.name}”下级的团支部：请在“所在团支部”列填写团支部全称或组织编码。`
                : `导入到“${org.name}”，“所在团支部”列可以留空。`
          }
          action={
            <Button size="small" icon={<DownloadOutlined />} onClick={() => void downloadFile('/api/imports/template', { kind }, titles.template)}>
              下载模板
            </Button>
          }
        />

        {(!j || j.status === 'FAILED' || j.status === 'VALIDATED' || j.status === 'EXPIRED') && (
          <Upload.Dragger
            accept=".xlsx"
            multiple={false}
            showUploadList={false}
            disabled={uploading}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{j ? '修改后重新上传：点击或拖入文件' : '点击或把 Excel 文件拖到这里'}</p>
            <p className="ant-upload-hint">仅支持 .xlsx，最大 20 MB，不能含公式。上传后会检查每一行，确认前不会写入任何数据。</p>
          </Upload.Dragger>
        )}

        {j && BUSY.has(j.status) && (
          <div aria-live="polite">
            <Typography.Text>{j.status === 'READING' ? `正在读取并校验……已检查 ${j.totalRows.toLocaleString('zh-CN')} 行` : '正在导入，请勿关闭……'}</Typography.Text>
            <Progress percent={j.status === 'READING' ? j.progress : 99} status="active" />
          </div>
        )}

        {j?.status === 'FAILED' && <Alert type="error" showIcon title="无法导入该文件" description={j.message} />}

        {j?.status === 'VALIDATED' && (
          <>
            {j.message && <Alert type="error" showIcon title={j.message} />}
            <Alert
              type={j.errorRows > 0 ? 'warning' : 'success'}
              showIcon
              title={
                j.errorRows > 0
                  ? `共 ${j.totalRows} 行，其中 ${j.errorRows} 行有错误，${j.validRows} 行无误。全部修改正确后才能导入，也可以仅导入无误的行。`
                  : `共 ${j.totalRows} 行，全部无误${j.warningRows > 0 ? `（${j.warningRows} 行有提示，不影响导入）` : ''}。`
              }
            />
            <Space wrap>
              {j.can.commit && (
                <Button type="primary" onClick={() => void commit(false)}>
                  确认导入 {j.totalRows} 行
                </Button>
              )}
              {j.can.commitValid && (
                <Popconfirm title={`仅导入无误的 ${j.validRows} 行？`} description={`其余 ${j.errorRows} 行不会导入，可下载后修改再上传。`} okText="导入" cancelText="取消" onConfirm={() => commit(true)}>
                  <Button>仅导入无误的行（{j.validRows} 行）</Button>
                </Popconfirm>
              )}
              {j.can.errorWorkbook && j.errorRows + j.warningRows > 0 && (
                <Button icon={<DownloadOutlined />} onClick={() => void downloadFile(`/api/imports/${j.id}/error-workbook`, undefined, '错误说明.xlsx')}>
                  下载错误说明工作簿
                </Button>
              )}
            </Space>
          </>
        )}

        {j?.status === 'COMMITTED' && (
          <Result
            status="success"
            title={`已导入 ${j.committedRows ?? 0} 行`}
            subTitle={j.errorRows > 0 ? `${j.errorRows} 行有错误未导入，请下载后修改再上传。` : undefined}
            extra={
              j.can.errorWorkbook
                ? [
                    <Button key="rest" icon={<DownloadOutlined />} onClick={() => void downloadFile(`/api/imports/${j.id}/error-workbook`, undefined, '未导入的行.xlsx')}>
                      下载未导入的行
                    </Button>,
                  ]
                : [
                    <Button key="close" type="primary" onClick={onClose}>
                      完成
                    </Button>,
                  ]
            }
          />
        )}

        {rows.data && rows.data.total > 0 && mobile && (
          // On a phone each row is a card: the reasons wrap instead of scrolling sideways.
          <div>
            {rows.data.items.map((r) => (
              <div key={r.rowNo} style={{ borderBottom: '1px solid #f0f0f0', padding: '8px 0' }}>
                <Typography.Text strong>
                  第 {r.rowNo} 行 · {r.label ?? '（空）'}
                </Typography.Text>
                {r.problems.map((p, i) => (
                  <div key={i}>
                    <Tag color={p.severity === 'error' ? 'error' : 'warning'}>{p.column}</Tag>
                    <Typography.Text type={p.severity === 'error' ? 'danger' : 'warning'}>{p.message}</Typography.Text>
                  </div>
                ))}
              </div>
            ))}
            <Pagination simple size="small" current={page} pageSize={10} total={rows.data.total} onChange={setPage} style={{ marginTop: 8 }} showTotal={(t) => `${t} 行有问题`} />
          </div>
        )}
        {rows.data && rows.data.total > 0 && !mobile && (
          <Table<ImportRowItem>
            rowKey="rowNo"
            size="small"
            dataSource={rows.data.items}
            loading={rows.isFetching}
            scroll={{ x: 'max-content' }}
            pagination={{ current: page, pageSize: 10, total: rows.data.total, onChange: setPage, showTotal: (t) => `${t} 行有问题`, showSizeChanger: false }}
            columns={[
              { title: '行号', dataIndex: 'rowNo', width: 64 },
              { title: '姓名', dataIndex: 'label', width: 120, render: (v: string | null) => v ?? <Typography.Text type="secondary">（空）</Typography.Text> },
              {
                title: '问题',
                key: 'problems',
                render: (_v, r) => (
                  <Space direction="vertical" size={2}>
                    {r.problems.map((p, i) => (
                      <span key={i}>
                        <Tag color={p.severity === 'error' ? 'error' : 'warning'}>{p.column}</Tag>
                        <Typography.Text type={p.severity === 'error' ? 'danger' : 'warning'}>{p.message}</Typography.Text>
                      </span>
                    ))}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Space>
    </Drawer>
  );
}
