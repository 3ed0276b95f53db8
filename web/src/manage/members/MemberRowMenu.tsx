import { MoreOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import type { MemberListItem } from '../../api/types';
import { allowedActions, type MemberAction } from './MemberActions';

/** The "更多" menu of one row, built from the list item's own `can` (no extra request). */
export function MemberRowMenu({ member, onAction }: { member: MemberListItem; onAction: (a: MemberAction, m: MemberListItem) => void }) {
  const actions = allowedActions(member);
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items:
          actions.length > 0
            ? actions.map((a) => ({ key: a.key, label: a.label, danger: a.danger }))
            : [{ key: 'none', label: '没有可执行的操作', disabled: true }],
        onClick: ({ key }) => {
          if (key !== 'none') onAction(key as MemberAction, member);
        },
      }}
    >
      <Button size="small" icon={<MoreOutlined />} aria-label={`${member.name}的更多操作`}>
        更多
      </Button>
    </Dropdown>
  );
}
