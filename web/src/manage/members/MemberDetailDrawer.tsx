import { Button, Drawer, Result, Skeleton, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { Member, RevealResult } from '../../api/types';
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
  /** 编辑, 离团, 恢复团籍: the parent opens its dialog above this drawer, which stays open and shows the result. */
  onAction: (action: MemberAction, member: Member) => void;
}) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const member = useMember(actingOrgId, memberId);
  // Full numbers are shown for the version of the record they were revealed for (an edit may change the phone).
  const [revealedFor, setRevealedFor] = useState<{ updatedAt: string; result: RevealResult } | null>(null);
  const reveal = useReveal();
  const resetPassword = useResetPassword();
  const asked = useRef(false);

  const m = member.data;
  const revealed = m && revealedFor?.updatedAt === m.updatedAt ? revealedFor.result : null;
  const askReveal = (record: Member) => reveal(record, (result) => setRevealedFor({ updatedAt: record.updatedAt, result }));

  useEffect(() => {
    if (autoReveal && m && !asked.current) {
      asked.current = true;
      askReveal(m);
    }
    // Asked once, when the record first arrives.
  }, [autoReveal, m]);

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
                  if (a.key === 'reveal') askReveal(m);
                  else if (a.key === 'resetPassword') resetPassword(m);
                  else onAction(a.key, m);
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
