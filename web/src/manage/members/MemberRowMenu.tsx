import { MoreOutlined } from '@ant-design/icons';
import { Button, Dropdown, Spin } from 'antd';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import type { MemberListItem } from '../../api/types';
import { useManage } from '../context';
import { allowedActions, useMember, type MemberAction } from './MemberActions';

/** The "更多" menu of one row: loads the member to learn what `can` allows. */
export function MemberRowMenu({ member, onAction }: { member: MemberListItem; onAction: (a: MemberAction, id: number) => void }) {
  const { actingOrgId } = useManage();
  const [open, setOpen] = useState(false);
  const detail = useMember(actingOrgId, open ? member.id : undefined);
  const actions = allowedActions(detail.data);
  return (
    <Dropdown
      trigger={['click']}
      open={open}
      onOpenChange={setOpen}
      menu={{
        items: detail.isPending
          ? [{ key: 'loading', label: <Spin size="small" />, disabled: true }]
          : detail.isError
            ? [{ key: 'error', label: errorMessage(detail.error), disabled: true }]
            : actions.map((a) => ({ key: a.key, label: a.label, danger: a.danger })),
        onClick: ({ key }) => {
          setOpen(false);
          onAction(key as MemberAction, member.id);
        },
      }}
    >
      <Button size="small" icon={<MoreOutlined />} aria-label={`${member.name}的更多操作`}>
        更多
      </Button>
    </Dropdown>
  );
}
