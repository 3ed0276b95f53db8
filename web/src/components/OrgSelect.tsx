import { useQuery } from '@tanstack/react-query';
import { Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ORG_KIND_LABELS, type OrgKind } from '../../../src/domain/enums';
import { api } from '../api/client';
import type { OrgHit, OrgSummary, Page } from '../api/types';

export interface OrgChoice {
  id: number;
  name: string;
  /** Unknown for a preset value known only by name (e.g. an org outside the acting org's scope). */
  kind?: OrgKind;
  pathNames?: string[];
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Name search inside the acting org's scope (GET /api/orgs?q=), each hit with its path. */
export function useOrgSearch(actingOrgId: number, q: string, kind?: OrgKind) {
  const term = useDebounced(q.trim(), 250);
  return useQuery({
    queryKey: ['org-search', actingOrgId, term, kind],
    queryFn: ({ signal }) => api.get<Page<OrgHit>>('/api/orgs', { orgId: actingOrgId, query: { q: term, kind, pageSize: 30 }, signal }),
    enabled: term.length > 0,
    staleTime: 30_000,
  });
}

/** "浙江演示大学团委 / 计算机学院团委" — where a hit sits below the acting org. */
export function OrgPathText({ pathNames }: { pathNames?: string[] }) {
  if (!pathNames || pathNames.length === 0) return null;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {pathNames.join(' / ')}
    </Typography.Text>
  );
}

/**
 * Chooses an org of the acting org's scope by typing part of its name. With nothing typed it offers
 * the direct children of `browseUnder` (e.g. the class branches of the selected college).
 */
export function OrgSelect({
  actingOrgId,
  kind,
  browseUnder,
  initial,
  value,
  onChange,
  placeholder = '输入组织名称搜索',
  id,
  excludeId,
}: {
  actingOrgId: number;
  kind?: OrgKind;
  browseUnder?: number;
  initial?: OrgChoice | null;
  value?: number | null;
  onChange?: (id: number | null, org: OrgChoice | null) => void;
  placeholder?: string;
  id?: string;
  excludeId?: number;
}) {
  const [q, setQ] = useState('');
  const search = useOrgSearch(actingOrgId, q, kind);
  const browse = useQuery({
    queryKey: ['children', actingOrgId, browseUnder, 1, 100],
    queryFn: () => api.get<Page<OrgSummary>>(`/api/orgs/${browseUnder}/children`, { orgId: actingOrgId, query: { page: 1, pageSize: 100 } }),
    enabled: browseUnder !== undefined,
    staleTime: 30_000,
  });
  const [chosen, setChosen] = useState<OrgChoice | null>(initial ?? null);

  const found: OrgChoice[] = q.trim()
    ? (search.data?.items ?? [])
    : (browse.data?.items ?? []).filter((o) => !kind || o.kind === kind);
  const list = [...(chosen && !found.some((o) => o.id === chosen.id) ? [chosen] : []), ...found].filter((o) => o.id !== excludeId);

  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ, searchValue: q }}
      allowClear
      value={value ?? undefined}
      placeholder={placeholder}
      loading={search.isFetching || browse.isFetching}
      notFoundContent={q.trim() ? (search.isFetching ? '搜索中…' : '没有找到匹配的组织') : '请输入名称搜索'}
      style={{ width: '100%' }}
      optionLabelProp="label"
      options={list.map((o) => ({
        value: o.id,
        label: o.name,
        title: o.name,
        org: o,
      }))}
      optionRender={(opt) => {
        const o = (opt.data as { org: OrgChoice }).org;
        return (
          <div style={{ whiteSpace: 'normal', lineHeight: 1.4 }}>
            <div>
              {o.name} {o.kind && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{ORG_KIND_LABELS[o.kind]}</Typography.Text>}
            </div>
            <OrgPathText pathNames={o.pathNames} />
          </div>
        );
      }}
      onChange={(v) => {
        const o = list.find((x) => x.id === v) ?? null;
        setChosen(o);
        setQ('');
        onChange?.(v ?? null, o);
      }}
    />
  );
}
