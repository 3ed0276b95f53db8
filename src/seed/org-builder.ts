import type { IndustryCategory, LeadershipLevel, OrgKind, SpecialKind } from '../domain/enums';
import { computeIsTownship } from '../domain/orgs';
import { childPath, rootPath } from '../domain/scope';

/** An org built in memory by the demo seed or the generator, ready to insert. */
export interface SeedOrg {
  id: number;
  parentId: number | null;
  path: string;
  depth: number;
  name: string;
  fullName: string;
  kind: OrgKind;
  leadershipLevel: LeadershipLevel | null;
  specialKind: SpecialKind | null;
  industryCategory: IndustryCategory;
  regionCode: string | null;
  isTownship: boolean | null;
  schoolCode: string | null;
}

export type SeedOrgInput = Pick<SeedOrg, 'name' | 'fullName' | 'kind' | 'industryCategory' | 'regionCode'> & Partial<SeedOrg>;

/**
 * Builds a tree in memory: ids from `firstId`, the materialized path and depth from the parent, and
 * the ORG-3 township flag computed by the one rule that the API uses too.
 */
export function orgBuilder(firstId: number) {
  const orgs: SeedOrg[] = [];
  let nextId = firstId;
  const add = (parent: SeedOrg | null, o: SeedOrgInput): SeedOrg => {
    const id = nextId++;
    const org: SeedOrg = {
      leadershipLevel: null,
      specialKind: null,
      schoolCode: null,
      ...o,
      id,
      parentId: parent?.id ?? null,
      path: parent ? childPath(parent.path, id) : rootPath(id),
      depth: parent ? parent.depth + 1 : 0,
      isTownship: parent ? computeIsTownship(parent, { kind: o.kind, regionCode: o.regionCode }) : false,
    };
    orgs.push(org);
    return org;
  };
  return { orgs, add, lastId: () => nextId - 1 };
}
