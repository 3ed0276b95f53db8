import { Button, Drawer, Result, Skeleton, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { RevealResult } from '../../api/types';
import { useIsMobile } from '../../lib/useIsMobile';
import { MemberDescriptions, MemberIssues, MemberTags, MembershipTimeline } from '../../members/MemberView';
import { useManage } from '../context';
import { allowedActions, useMember, useResetPassword, useReveal, type MemberAction } from './MemberActions';

/** 详情: every field, what needs fixing, the branch history; buttons as `can` allows. */
export function MemberDetailDrawer({
  memberId,
  autoReveal,
  onClose,
  onAction,
}: {
  memberId: number;
  autoReveal?: boolean;
  onClose: () => void;
  onAction: (action: MemberAction, id: number) => void;
}) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const member = useMember(actingOrgId, memberId);
  const [revealed, setRevealed] = useState<RevealResult | null>(null);
  const reveal = useReveal();
  const resetPassword = useResetPassword();
  const asked = useRef(false);

  useEffect(() => {
    if (autoReveal && member.data && !asked.current) {
      asked.current = true;
      reveal(member.data, setRevealed);
    }
  }, [autoReveal, member.data, reveal]);

  const m = member.data;
  const actions = allowedActions(m);

  return (
    <Drawer
      open
      onClose={onClose}
      size={mobile ? '100%' : 760}
      title={m ? m.name : '团员详情'}
      destroyOnHidden
      footer={
        m && (
          <Space wrap>
            {actions.map((a) => (
              <Button
                key={a.key}
                danger={a.danger}
                type={a.key === 'edit' ? 'primary' : 'default'}
                disabled={a.key === 'reveal' && revealed !== null}
                onClick={() => {
                  if (a.key === 'reveal') reveal(m, setRevealed);
                  else if (a.key === 'resetPassword') resetPassword(m);
                  else onAction(a.key, m.id);
                }}
              >
                {a.label}
              </Button>
            ))}
          </Space>
        )
      }
    >
      {member.isPending ? (
        <Skeleton active />
      ) : member.isError ? (
        <Result status="warning" title="无法显示该团员" subTitle={errorMessage(member.error)} />
      ) : (
        m && (
          <>
            <div style={{ marginBottom: 12 }}>
              <MemberTags m={m} />
            </div>
            <MemberIssues m={m} />
            {revealed && (
              <Typography.Paragraph type="warning">已显示完整号码（本次查看已记入操作日志）。</Typography.Paragraph>
            )}
            <MemberDescriptions m={m} revealed={revealed} columns={mobile ? 1 : 2} />
            <Typography.Title level={5} style={{ marginTop: 24 }}>
              组织关系记录
            </Typography.Title>
            <MembershipTimeline m={m} />
          </>
        )
      )}
    </Drawer>
  );
}
