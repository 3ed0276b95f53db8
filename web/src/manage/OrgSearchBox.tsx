import { SearchOutlined } from '@ant-design/icons';
import { AutoComplete, Input, Typography } from 'antd';
import { useState } from 'react';
import { ORG_KIND_LABELS } from '../../../src/domain/enums';
import { OrgPathText, useOrgSearch } from '../components/OrgSelect';

/** Finds an org of the acting org's subtree by name; each hit shows where it sits. */
export function OrgSearchBox({ actingOrgId, onPick }: { actingOrgId: number; onPick: (id: number) => void }) {
  const [text, setText] = useState('');
  const search = useOrgSearch(actingOrgId, text);
  const hits = text.trim() ? (search.data?.items ?? []) : [];
  const total = search.data?.total ?? 0;

  return (
    <AutoComplete
      value={text}
      onChange={(v: string) => setText(v)}
      onSelect={(v: string) => {
        setText('');
        onPick(Number(v));
      }}
      options={hits.map((o) => ({
        value: String(o.id),
        label: (
          <div style={{ whiteSpace: 'normal', lineHeight: 1.4, padding: '2px 0' }}>
            <div>
              {o.name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{ORG_KIND_LABELS[o.kind]}</Typography.Text>
            </div>
            <OrgPathText pathNames={o.pathNames} />
          </div>
        ),
      }))}
      notFoundContent={text.trim() && !search.isFetching ? '没有找到匹配的组织' : undefined}
      popupMatchSelectWidth={320}
      style={{ width: '100%' }}
    >
      <Input
        prefix={<SearchOutlined />}
        placeholder="搜索组织名称"
        allowClear
        aria-label="搜索组织"
        suffix={text.trim() && total > hits.length ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>前{hits.length}/{search.data?.totalIsEstimate ? '约' : ''}{total}</Typography.Text> : undefined}
      />
    </AutoComplete>
  );
}
