import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, memberInput, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
});
afterAll(() => t.close());

describe('smoke', () => {
  it('a college admin creates a member and finds it in the list', async () => {
    const { client } = await f.admin(tree.collegeA);
    const created = await client.post('/api/members', memberInput(tree.branchA1.id, 1));
    expect(created.status).toBe(201);
    expect(created.body.idNumber).toMatch(/^\d{3}\*{14}[\dX]$/);
    const list = await client.get('/api/members?name=新团员');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: number }) => m.id)).toContain(created.body.id);
    const children = await client.get(`/api/orgs/${tree.collegeA.id}/children`);
    expect(children.body.items.find((o: { id: number }) => o.id === tree.branchA1.id).memberCount).toBe(1);
  });
});
