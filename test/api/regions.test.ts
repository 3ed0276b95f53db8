import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app';
import { anonymous, login } from '../helpers/client';
import { Factory, type Client, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let admin: Client;
let member: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  admin = (await f.admin(tree.county)).client;
  const m = await f.member(tree.transition, { password: 'Member-Pass-77' });
  member = await login(t.app, m.idNumber, 'Member-Pass-77', '10.5.0.1');
});
afterAll(() => t.close());

type Region = { code: string; name: string; level: string; hasChildren: boolean };

describe('GET /api/regions (ORG-8)', () => {
  it('ORG-8 lists the provinces by default', async () => {
    const res = await admin.get('/api/regions');
    expect(res.status).toBe(200);
    const items = res.body.items as Region[];
    expect(items).toHaveLength(31);
    expect(items[0]).toEqual({ code: '11', name: '北京市', level: 'PROVINCE', hasChildren: true });
    expect(items.find((r) => r.code === '33')).toEqual({ code: '33', name: '浙江省', level: 'PROVINCE', hasChildren: true });
    expect(items.every((r) => r.level === 'PROVINCE' && /^\d{2}$/.test(r.code))).toBe(true);
  });

  it('ORG-8 lists the cities of 浙江 (parentCode=33)', async () => {
    const res = await admin.get('/api/regions?parentCode=33');
    const items = res.body.items as Region[];
    expect(items.map((r) => r.code)).toEqual(['3301', '3302', '3303', '3304', '3305', '3306', '3307', '3308', '3309', '3310', '3311']);
    expect(items[0]).toEqual({ code: '3301', name: '杭州市', level: 'CITY', hasChildren: true });
  });

  it('ORG-8 goes down to counties and townships; townships have no children', async () => {
    const counties = (await admin.get('/api/regions?parentCode=3301')).body.items as Region[];
    expect(counties.find((r) => r.code === '330106')).toEqual({ code: '330106', name: '西湖区', level: 'COUNTY', hasChildren: true });
    const townships = (await admin.get('/api/regions?parentCode=330106')).body.items as Region[];
    expect(townships.length).toBeGreaterThan(5);
    expect(townships.find((r) => r.code === '330106004')).toEqual({ code: '330106004', name: '西溪街道', level: 'TOWNSHIP', hasChildren: false });
    expect(townships.every((r) => r.level === 'TOWNSHIP' && !r.hasChildren && r.code.startsWith('330106'))).toBe(true);
  });

  it('answers an empty list for an unknown parent and 400 for a malformed one', async () => {
    expect((await admin.get('/api/regions?parentCode=99')).body).toEqual({ items: [] });
    const township = await admin.get('/api/regions?parentCode=330106004');
    expect(township.status).toBe(400);
    expect(township.body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.get('/api/regions?parentCode=abc')).status).toBe(400);
  });

  it('is open to every signed-in person (members too), not to anonymous callers', async () => {
    expect((await member.get('/api/regions?parentCode=33')).status).toBe(200);
    const anon = await anonymous(t.app).get('/api/regions');
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /api/regions/:code', () => {
  it('ORG-8 gives the path from the province down to a township', async () => {
    const res = await admin.get('/api/regions/330106004');
    expect(res.status).toBe(200);
    expect(res.body.path).toEqual([
      { code: '33', name: '浙江省', level: 'PROVINCE', hasChildren: true },
      { code: '3301', name: '杭州市', level: 'CITY', hasChildren: true },
      { code: '330106', name: '西湖区', level: 'COUNTY', hasChildren: true },
      { code: '330106004', name: '西溪街道', level: 'TOWNSHIP', hasChildren: false },
    ]);
    const county = await admin.get('/api/regions/330106');
    expect(county.body.path.map((r: Region) => r.name)).toEqual(['浙江省', '杭州市', '西湖区']);
  });

  it('ORG-8 a village code resolves through its township', async () => {
    const res = await admin.get('/api/regions/330106004001');
    expect(res.status).toBe(200);
    expect(res.body.path.map((r: Region) => r.code)).toEqual(['33', '3301', '330106', '330106004']);
  });

  it('answers 404 for an unknown code and 400 for a malformed one', async () => {
    const unknown = await admin.get('/api/regions/339902');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', message: '行政区划代码不存在' });
    expect((await admin.get('/api/regions/3301061')).status).toBe(400);
    expect((await anonymous(t.app).get('/api/regions/33')).status).toBe(401);
  });
});
