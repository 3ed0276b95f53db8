import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { api } from '../api/client';
import type { Org } from '../api/types';

/**
 * The 管理中心 of one org: `actingOrgId` (in the URL, sent as x-org-id) bounds what can be seen;
 * `currentOrgId` is the org picked in the tree that the tabs show.
 */
export interface ManageContextValue {
  actingOrgId: number;
  currentOrgId: number;
  selectOrg(id: number): void;
  /** Reloads an org's node (and loaded children) in the tree after a change below it. */
  reloadTreeNode(id: number): void;
}

export const ManageContext = createContext<ManageContextValue | null>(null);

export function useManage(): ManageContextValue {
  const ctx = useContext(ManageContext);
  if (!ctx) throw new Error('ManageContext missing');
  return ctx;
}

/** One org with what the acting admin may do with it (`can`, computed by the server). */
export function useOrg(actingOrgId: number, id: number | undefined) {
  return useQuery({
    queryKey: ['org', actingOrgId, id],
    queryFn: () => api.get<Org>(`/api/orgs/${id}`, { orgId: actingOrgId }),
    enabled: id !== undefined,
  });
}
