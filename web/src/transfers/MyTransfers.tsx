import { SwapOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Skeleton, Space } from 'antd';
import { useState } from 'react';
import type { Transfer } from '../../../src/contracts/transfers';
import { api, errorMessage } from '../api/client';
import { useIsMobile } from '../lib/useIsMobile';
import { StartTransferWizard } from './StartTransferWizard';
import { TransferTimeline } from './TransferTimeline';

/** 个人中心 · 关系转接: the member's own transfers as timelines, applying and cancelling. */
export function MyTransfers() {
  const mobile = useIsMobile();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const [starting, setStarting] = useState(false);
  const list = useQuery({ queryKey: ['my-transfers'], queryFn: () => api.get<Transfer[]>('/api/me/transfers') });
  const reasonSet = useQuery({ queryKey: ['my-transfer-reason-set'], queryFn: () => api.get<{ schoolToSociety: boolean; branchId: number }>('/api/me/transfer-reason-set') });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['my-transfers'] });
    void qc.invalidateQueries({ queryKey: ['me'] });
  };
  const open = list.data?.find((t) => t.status === 'OPEN');
  return (
    <Card
      title="组织关系转接"
      size="small"
      style={{ marginTop: 16 }}
      extra={!open && reasonSet.data && <Button type="primary" size="small" icon={<SwapOutlined />} onClick={() => setStarting(true)}>申请转接</Button>}
    >
      {list.isPending ? (
        <Skeleton active />
      ) : list.isError ? (
        <Alert type="error" showIcon title={errorMessage(list.error)} />
      ) : list.data.length === 0 ? (
        <Empty description="没有组织关系转接记录" />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }} size={24}>
          {list.data.map((t) => (
            <div key={t.id} data-testid={`my-transfer-${t.id}`}>
              <TransferTimeline t={t} columns={mobile ? 1 : 2} />
              {t.can.cancel && (
                <Button
                  onClick={() =>
                    modal.confirm({
                      title: '撤销这条组织关系转接申请？',
                      okText: '撤销',
                      cancelText: '不撤销',
                      onOk: async () => {
                        try {
                          await api.post(`/api/me/transfers/${t.id}/cancel`, {});
                          message.success('已撤销');
                          refresh();
                        } catch (err) {
                          message.error(errorMessage(err));
                        }
                      },
                    })
                  }
                >
                  撤销申请
                </Button>
              )}
            </div>
          ))}
        </Space>
      )}
      {starting && reasonSet.data && (
        <StartTransferWizard
          mode={{ kind: 'member', schoolToSociety: reasonSet.data.schoolToSociety, branchId: reasonSet.data.branchId }}
          onClose={() => setStarting(false)}
          onDone={() => {
            setStarting(false);
            refresh();
          }}
        />
      )}
    </Card>
  );
}
