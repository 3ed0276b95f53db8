import { Alert, Spin, Tag, Tree, type TreeDataNode } from 'antd';
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Key, type Ref } from 'react';
import { SPECIAL_KIND_LABELS } from '../../../src/domain/enums';
import { api, errorMessage } from '../api/client';
import type { Org, OrgSummary, Page } from '../api/types';

const PAGE_SIZE = 100;
const MORE = 'more:';

interface ChildPage {
  ids: number[];
  total: number;
  page: number;
}

export interface OrgTreeHandle {
  reload(id: number): Promise<void>;
  reveal(id: number): Promise<void>;
}

/**
 * The org tree, loaded one level at a time (GET /api/orgs/:id/children, 100 per page with a
 * "加载更多" node) and virtualised, so a county with a thousand branches scrolls smoothly and the
 * browser never holds the whole province (STYLE.md: no full-tree loads).
 */
export function OrgTree({
  actingOrgId,
  selectedId,
  onSelect,
  height,
  ref,
}: {
  actingOrgId: number;
  selectedId: number;
  onSelect: (id: number) => void;
  height: number;
  ref?: Ref<OrgTreeHandle>;
}) {
  // Loaded nodes live in a ref so async loops (reveal) always see the latest; `version` re-renders.
  const store = useRef({ nodes: new Map<number, OrgSummary>(), kids: new Map<number, ChildPage>() });
  const loading = useRef(new Set<string>());
  const [version, setVersion] = useState(0);
  const [expanded, setExpanded] = useState<Key[]>([String(actingOrgId)]);
  const [error, setError] = useState<string | null>(null);
  const treeRef = useRef<{ scrollTo: (opts: { key: Key; align?: 'top' | 'bottom' | 'auto' }) => void } | null>(null);
  const bump = () => setVersion((v) => v + 1);
  // Scrolling waits until the revealed node is rendered (the tree may still be loading).
  const pendingScroll = useRef<string | null>(null);
  useEffect(() => {
    const key = pendingScroll.current;
    if (!key || !treeRef.current || !store.current.nodes.has(Number(key))) return;
    pendingScroll.current = null;
    setTimeout(() => treeRef.current?.scrollTo({ key, align: 'auto' }), 50);
  }, [version, expanded]);

  const loadPage = useCallback(
    async (parentId: number, page: number) => {
      const key = `${parentId}:${page}`;
      if (loading.current.has(key)) return;
      loading.current.add(key);
      try {
        const res = await api.get<Page<OrgSummary>>(`/api/orgs/${parentId}/children`, { orgId: actingOrgId, query: { page, pageSize: PAGE_SIZE } });
        const { nodes, kids } = store.current;
        for (const o of res.items) nodes.set(o.id, o);
        const prev = kids.get(parentId);
        const ids = page === 1 ? res.items.map((o) => o.id) : [...(prev?.ids ?? []), ...res.items.map((o) => o.id).filter((id) => !prev?.ids.includes(id))];
        kids.set(parentId, { ids, total: res.total, page });
        setError(null);
        bump();
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        loading.current.delete(key);
      }
    },
    [actingOrgId],
  );

  const loadRoot = useCallback(async () => {
    try {
      const root = await api.get<Org>(`/api/orgs/${actingOrgId}`, { orgId: actingOrgId });
      store.current.nodes.set(root.id, root);
      bump();
      if (root.childCount > 0) await loadPage(root.id, 1);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [actingOrgId, loadPage]);

  useEffect(() => {
    store.current = { nodes: new Map(), kids: new Map() };
    setExpanded([String(actingOrgId)]);
    void loadRoot();
  }, [actingOrgId, loadRoot]);

  const reload = useCallback(
    async (id: number) => {
      const org = await api.get<Org>(`/api/orgs/${id}`, { orgId: actingOrgId }).catch(() => null);
      if (org) store.current.nodes.set(org.id, org);
      const loaded = store.current.kids.get(id);
      if (loaded) {
        store.current.kids.delete(id);
        for (let p = 1; p <= loaded.page; p++) await loadPage(id, p);
      }
      bump();
    },
    [actingOrgId, loadPage],
  );

  const reveal = useCallback(
    async (id: number) => {
      if (store.current.nodes.has(id) && id === actingOrgId) return;
      const org = await api.get<Org>(`/api/orgs/${id}`, { orgId: actingOrgId }).catch(() => null);
      if (!org) return;
      const chain = org.ancestors.map((a) => a.id);
      for (let i = 0; i < chain.length - 1; i++) {
        const parent = chain[i]!;
        const next = chain[i + 1]!;
        if (!store.current.kids.has(parent)) await loadPage(parent, 1);
        // A child on a later page: keep loading pages until it appears.
        for (let guard = 0; guard < 50; guard++) {
          const k = store.current.kids.get(parent);
          if (!k || k.ids.includes(next) || k.ids.length >= k.total) break;
          await loadPage(parent, k.page + 1);
        }
      }
      pendingScroll.current = String(id);
      setExpanded((prev) => [...new Set([...prev, ...chain.slice(0, -1).map(String)])]);
    },
    [actingOrgId, loadPage],
  );

  useImperativeHandle(ref, () => ({ reload, reveal }), [reload, reveal]);

  const treeData = useMemo(() => {
    const { nodes, kids } = store.current;
    const build = (id: number): TreeDataNode => {
      const o = nodes.get(id)!;
      const k = kids.get(id);
      const children = k
        ? [
            ...k.ids.filter((c) => nodes.has(c)).map(build),
            ...(k.ids.length < k.total
              ? [{ key: `${MORE}${id}`, title: `加载更多（还有${k.total - k.ids.length}个）`, isLeaf: true, className: 'load-more-node' }]
              : []),
          ]
        : undefined;
      return { key: String(id), title: o.name, isLeaf: o.childCount === 0, children };
    };
    return nodes.has(actingOrgId) ? [build(actingOrgId)] : [];
    // `version` is the signal that the store changed.
  }, [version, actingOrgId]);

  if (error && treeData.length === 0) return <Alert type="error" showIcon title={error} />;
  if (treeData.length === 0) return <Spin style={{ display: 'block', margin: 24 }} />;

  return (
    <>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Tree
        ref={treeRef as never}
        treeData={treeData}
        height={height}
        virtual
        blockNode
        showLine={{ showLeafIcon: false }}
        expandedKeys={expanded}
        onExpand={(keys) => setExpanded(keys)}
        selectedKeys={[String(selectedId)]}
        loadData={async (node) => {
          const key = String(node.key);
          if (key.startsWith(MORE) || store.current.kids.has(Number(key))) return;
          await loadPage(Number(key), 1);
        }}
        titleRender={(node) => {
          const key = String(node.key);
          if (key.startsWith(MORE)) return <span className="load-more-node">{String(node.title)}</span>;
          const o = store.current.nodes.get(Number(key));
          if (!o) return String(node.title);
          return (
            <span title={o.fullName}>
              {o.name}
              {o.specialKind && (
                <Tag color="blue" style={{ marginLeft: 4, fontSize: 11, lineHeight: '16px', padding: '0 4px' }}>
                  {SPECIAL_KIND_LABELS[o.specialKind].replace('团员团支部', '').replace('团支部', '')}
                </Tag>
              )}
            </span>
          );
        }}
        onSelect={(_keys, info) => {
          const key = String(info.node.key);
          if (key.startsWith(MORE)) {
            const parentId = Number(key.slice(MORE.length));
            const k = store.current.kids.get(parentId);
            if (k) void loadPage(parentId, k.page + 1);
            return;
          }
          onSelect(Number(key));
        }}
      />
    </>
  );
}
