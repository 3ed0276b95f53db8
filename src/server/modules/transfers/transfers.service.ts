import { and, asc, count, desc, eq, inArray, isNull, like, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Page } from '../../../contracts/common';
import type {
  InboxItem,
  Letter,
  Notice,
  StartMyTransferRequest,
  StartTransfersRequest,
  TargetOrg,
  TargetSuggestion,
  Transfer,
  TransferListItem,
} from '../../../contracts/transfers';
import { preparedPerExecutor, type Executor, type Tx } from '../../../db/client';
import { members, orgs, persons, transferLetters, transferNodes, transferNotices, transfers } from '../../../db/schema';
import { chinaDate } from '../../../domain/dates';
import { DomainError, assertRule } from '../../../domain/errors';
import { normalizeIdNumber } from '../../../domain/id-number';
import { isWithin, subtreeRange } from '../../../domain/scope';
import {
  SEPARATE_PROVINCES,
  TRANSFER_REASON_LABELS,
  ageDays,
  canActOnNode,
  checkReasonFields,
  checkRejectionReason,
  checkTarget,
  checkTargetScope,
  dueAt,
  isSchoolToSociety,
  letterNumber,
  nextWaitingNode,
  planNodes,
  remindAt,
  suggestionKind,
  transferPermissions,
  type StarterSide,
  type TargetScope,
  type TransferFields,
  type TransferReason,
} from '../../../domain/transfers';
import { regionFullName } from '../../../lib/regions';
import { adminAuditActor, refuseOutOfScope, writeAudit, type AuditWho } from '../../audit';
import type { Actor, AdminActor, AppContext } from '../../context';
import { findMemberById, findMemberInScope, type MemberRow } from '../members/members.repo';
import { inSubtree, isUniqueViolation, orgNameMatches } from '../orgs/orgs.repo';
import { advance, applyDecision, closeTransfer, completeInOne, notice, nodeLabel, type NodeDecision } from './transfers.engine';
import { lockTransfer, orgContext, transferVisible, type NodeRow, type OrgRow, type TransferRow } from './transfers.repo';

interface Details {
  reason: TransferReason;
  targetScope: TargetScope;
  fields: TransferFields;
  targetOrgId?: number | null;
  remark?: string | null;
}

interface Starter {
  side: StarterSide;
  actor: Actor;
  /** The acting org of an admin starter. */
  scope: { orgId: number; path: string } | null;
}

function auditWho(s: Starter): AuditWho {
  return { ...s.actor, actingOrgId: s.scope?.orgId ?? null };
}

/** TR-1/2/6/7: checks and creates one transfer (inside `tx`); returns its id. */
async function startOne(tx: Tx, ctx: AppContext, starter: Starter, member: MemberRow, d: Details): Promise<number> {
  if (member.status !== 'ACTIVE') throw new DomainError('TR_1_MEMBER_NOT_ACTIVE', `${member.name}已离团，不能办理组织关系转接`);
  const schoolToSociety = isSchoolToSociety(member.branchCategory, member.graduateStatus);
  assertRule(checkReasonFields(d.reason, schoolToSociety, d.fields));
  const from = (await orgContext(tx, member.branchId))!;
  const target = d.targetOrgId ? await orgContext(tx, d.targetOrgId) : null;
  if (d.targetOrgId && !target) throw new DomainError('TR_6_TARGET_REQUIRED', '转入组织不存在');
  assertRule(checkTarget(d.reason, target?.facts ?? null, from.schoolRootId));
  if (target) {
    assertRule(checkTargetScope(d.targetScope, target.provinceCode));
    if (target.org.id === member.branchId) throw new DomainError('TR_1_TARGET_IS_CURRENT');
  }
  if (d.reason === 'SPECIAL_UNIT' && from.provinceOrgId === null) throw new DomainError('TR_6_NO_PROVINCE');
  if (starter.side === 'RECEIVING' && (!target || !starter.scope || !isWithin(target.org.path, starter.scope.path))) {
    throw new DomainError('TR_1_RECEIVING_TARGET_OUT_OF_SCOPE');
  }
  const scopePath = starter.scope?.path ?? null;
  const sendingStarted = scopePath !== null && isWithin(member.orgPath, scopePath);
  const receivingStarted = scopePath !== null && target !== null && isWithin(target.org.path, scopePath);
  const plan = planNodes({
    reason: d.reason,
    sendingBranchId: member.branchId,
    sendingStarted,
    receivingStarted,
    target: target ? { id: target.org.id, kind: target.org.kind } : null,
    schoolRootId: from.schoolRootId,
    provinceOrgId: from.provinceOrgId,
  });
  // TR-6 出国（境）学习研究: the school's 团委 approves — already done when it (or above) started it.
  const nodes = plan.filter((n) => !(n.kind === 'SCHOOL_APPROVAL' && scopePath !== null && from.schoolRootPath !== null && isWithin(from.schoolRootPath, scopePath)));

  const now = ctx.clock.now();
  let row: TransferRow;
  try {
    [row] = (await tx
      .insert(transfers)
      .values({
        memberId: member.id,
        memberName: member.name,
        fromBranchId: member.branchId,
        fromPath: member.orgPath,
        toOrgId: target?.org.id ?? null,
        toPath: target?.org.path ?? null,
        reason: d.reason,
        schoolToSociety,
        targetScope: d.targetScope,
        fields: Object.fromEntries(Object.entries(d.fields).filter(([, v]) => v)) as TransferFields,
        remark: d.remark ?? null,
        starterSide: starter.side,
        startedByPersonId: starter.actor.personId,
        startedByName: starter.actor.name,
        startedByOrgId: starter.scope?.orgId ?? null,
        createdAt: now,
      })
      .returning()) as [TransferRow];
  } catch (err) {
    if (isUniqueViolation(err, 'transfers_one_open_key')) throw new DomainError('TR_1_OPEN_TRANSFER_EXISTS', `${member.name}已有正在办理的组织关系转接`);
    throw err;
  }
  if (nodes.length > 0) {
    await tx.insert(transferNodes).values(
      nodes.map((n, i) => ({
        transferId: row.id,
        seq: i + 1,
        kind: n.kind,
        orgId: n.orgId,
        timeoutAction: n.timeoutAction,
        state: i === 0 ? ('PENDING' as const) : ('WAITING' as const),
        openedAt: i === 0 ? now : null,
        dueAt: i === 0 ? dueAt(now) : null,
      })),
    );
  }
  // One row, seen from the sending side and from the target's.
  await writeAudit(tx, ctx, auditWho(starter), {
    action: 'TRANSFER_START',
    result: 'OK',
    objectType: 'transfer',
    objectId: row.id,
    objectLabel: member.name,
    orgPath: member.orgPath,
    alsoOrgPath: target?.org.path,
    changes: { reason: { before: null, after: d.reason }, toOrgId: { before: null, after: target?.org.id ?? null } },
    reason: `${TRANSFER_REASON_LABELS[d.reason]}${target ? `，转入“${target.org.name}”` : ''}`,
  });
  if (nodes.length === 0) await advance(tx, ctx, row, now, auditWho(starter));
  return row.id;
}

/** TR-1 sending side: members of the acting subtree, one transaction (all or none). */
export async function startTransfers(ctx: AppContext, actor: AdminActor, input: StartTransfersRequest): Promise<{ ids: number[] }> {
  const rowsFound: MemberRow[] = [];
  for (const id of input.memberIds) {
    const row = await findMemberInScope(ctx.db, id, actor.scope.path);
    if (!row) return refuseOutOfScope(ctx, actor, 'member', id, async () => (await findMemberById(ctx.db, id)) !== null);
    rowsFound.push(row);
  }
  const starter: Starter = { side: 'SENDING', actor, scope: actor.scope };
  const ids = await ctx.db.transaction(async (tx) => {
    const out: number[] = [];
    for (const m of rowsFound) out.push(await startOne(tx, ctx, starter, m, input));
    return out;
  });
  return { ids };
}

/** TR-1 receiving side: name + ID number must both match; nothing is revealed otherwise. */
async function memberByNameAndId(ctx: AppContext, name: string, idNumber: string): Promise<MemberRow> {
  const idx = ctx.cipher.blindIndex('id', normalizeIdNumber(idNumber));
  const [person] = await ctx.db.select({ id: persons.id, name: persons.name }).from(persons).where(eq(persons.idNumberIdx, idx));
  if (!person || person.name !== name.trim()) throw new DomainError('TR_1_MEMBER_NOT_FOUND');
  const row = await ctx.db.query.members.findFirst({ where: (m, { eq: e }) => e(m.personId, person.id), columns: { id: true } });
  const member = row ? await findMemberById(ctx.db, row.id) : null;
  if (!member) throw new DomainError('TR_1_MEMBER_NOT_FOUND');
  return member;
}

/** Which reason set applies to a member in scope (TR-6): 学社衔接 or ordinary. */
export async function memberReasonSet(ctx: AppContext, actor: AdminActor, memberId: number) {
  const m = await findMemberInScope(ctx.db, memberId, actor.scope.path);
  if (!m) return refuseOutOfScope(ctx, actor, 'member', memberId, async () => (await findMemberById(ctx.db, memberId)) !== null);
  return { schoolToSociety: isSchoolToSociety(m.branchCategory, m.graduateStatus), branchId: m.branchId };
}

export async function myReasonSet(ctx: AppContext, actor: Actor & { memberId: number }) {
  const m = (await findMemberById(ctx.db, actor.memberId))!;
  return { schoolToSociety: isSchoolToSociety(m.branchCategory, m.graduateStatus), branchId: m.branchId };
}

export async function lookupMember(ctx: AppContext, _actor: AdminActor, name: string, idNumber: string) {
  const m = await memberByNameAndId(ctx, name, idNumber);
  const [open] = await ctx.db.select({ id: transfers.id }).from(transfers).where(and(eq(transfers.memberId, m.id), eq(transfers.status, 'OPEN')));
  return { name: m.name, idNumber: m.idNumber, branchName: m.branchName, schoolToSociety: isSchoolToSociety(m.branchCategory, m.graduateStatus), hasOpenTransfer: !!open };
}

export async function startIncomingTransfer(ctx: AppContext, actor: AdminActor, input: StartMyTransferRequest & { name: string; idNumber: string }): Promise<{ ids: number[] }> {
  const member = await memberByNameAndId(ctx, input.name, input.idNumber);
  const id = await ctx.db.transaction((tx) => startOne(tx, ctx, { side: 'RECEIVING', actor, scope: actor.scope }, member, input));
  return { ids: [id] };
}

export async function startMyTransfer(ctx: AppContext, actor: Actor & { memberId: number }, input: StartMyTransferRequest): Promise<Transfer> {
  const member = (await findMemberById(ctx.db, actor.memberId))!;
  const id = await ctx.db.transaction((tx) => startOne(tx, ctx, { side: 'MEMBER', actor, scope: null }, member, input));
  return presentTransfer(ctx, (await loadTransfer(ctx, id))!, { kind: 'member', memberId: actor.memberId });
}

// ---- reading ---------------------------------------------------------------------------------

type Viewer = { kind: 'admin'; orgId: number; path: string; personId: number } | { kind: 'member'; memberId: number };

async function loadTransfer(ctx: AppContext, id: number): Promise<TransferRow | null> {
  const [row] = await ctx.db.select().from(transfers).where(eq(transfers.id, id));
  return row ?? null;
}

type PresentOrg = Pick<OrgRow, 'id' | 'name' | 'fullName' | 'kind' | 'parentId'>;

async function presentTransfer(ctx: AppContext, t: TransferRow, viewer: Viewer): Promise<Transfer> {
  const nodes = await ctx.db.select().from(transferNodes).where(eq(transferNodes.transferId, t.id)).orderBy(asc(transferNodes.seq));
  const orgIds = [t.fromBranchId, t.toOrgId, t.finalBranchId, ...nodes.flatMap((n) => [n.orgId, n.allocatedBranchId])].filter((x): x is number => x !== null);
  const orgRows = await ctx.db.select({ id: orgs.id, name: orgs.name, fullName: orgs.fullName, kind: orgs.kind, parentId: orgs.parentId }).from(orgs).where(inArray(orgs.id, orgRowsIds(orgIds)));
  return transferView(t, nodes, new Map(orgRows.map((o) => [o.id, o])), viewer);
}

/** The answer for one transfer from rows in hand: `byId` holds every org the transfer and its nodes name. */
function transferView(t: TransferRow, nodes: NodeRow[], byId: Map<number, PresentOrg>, viewer: Viewer): Transfer {
  const isStarter =
    viewer.kind === 'member' ? t.starterSide === 'MEMBER' && t.memberId === viewer.memberId : t.startedByOrgId === viewer.orgId;
  return {
    ...listItem(t, byId.get(t.fromBranchId)?.name ?? '', t.toOrgId ? (byId.get(t.toOrgId)?.name ?? null) : null),
    targetScope: t.targetScope,
    fields: t.fields as Record<string, string | null>,
    remark: t.remark,
    startedByName: t.startedByName,
    fromBranchFullName: byId.get(t.fromBranchId)?.fullName ?? '',
    toOrgFullName: t.toOrgId ? (byId.get(t.toOrgId)?.fullName ?? null) : null,
    finalBranchName: t.finalBranchId ? (byId.get(t.finalBranchId)?.name ?? null) : null,
    endNote: t.endNote,
    nodes: nodes.map((n) => {
      const org = byId.get(n.orgId)!;
      const mine = viewer.kind === 'admin' && t.status === 'OPEN' && n.state === 'PENDING' && canActOnNode(viewer.orgId, { orgId: n.orgId, orgKind: org.kind, orgParentId: org.parentId });
      return {
        id: n.id,
        seq: n.seq,
        kind: n.kind,
        orgId: n.orgId,
        orgName: org.name,
        state: n.state,
        timeoutAction: n.timeoutAction,
        openedAt: n.openedAt?.toISOString() ?? null,
        dueAt: n.dueAt?.toISOString() ?? null,
        remindedAt: n.remindedAt?.toISOString() ?? null,
        decidedAt: n.decidedAt?.toISOString() ?? null,
        decidedByName: n.state === 'AUTO_APPROVED' ? '系统自动通过' : n.decidedByName,
        note: n.note,
        allocatedBranchName: n.allocatedBranchId ? (byId.get(n.allocatedBranchId)?.name ?? null) : null,
        can: { approve: mine && n.kind !== 'ALLOCATION', reject: mine, allocate: mine && n.kind === 'ALLOCATION' },
      };
    }),
    can: (() => {
      const can = transferPermissions({ status: t.status, isStarter });
      // TR-9: the letter is the sending side's document.
      return { ...can, letter: can.letter && viewer.kind === 'admin' && isWithin(t.fromPath, viewer.path) };
    })(),
  };
}

function orgRowsIds(ids: number[]): number[] {
  return ids.length > 0 ? [...new Set(ids)] : [0];
}

function listItem(t: TransferRow, fromBranchName: string, toOrgName: string | null): TransferListItem {
  return {
    id: t.id,
    memberId: t.memberId,
    memberName: t.memberName,
    reason: t.reason,
    schoolToSociety: t.schoolToSociety,
    status: t.status,
    starterSide: t.starterSide,
    fromBranchName,
    toOrgName,
    createdAt: t.createdAt.toISOString(),
    endedAt: t.endedAt?.toISOString() ?? null,
  };
}

function adminViewer(actor: AdminActor): Viewer {
  return { kind: 'admin', orgId: actor.scope.orgId, path: actor.scope.path, personId: actor.personId };
}

/** A transfer visible to the admin, or the audited 404 (SEC-1). */
async function visibleTransferOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<TransferRow> {
  const [row] = await ctx.db.select().from(transfers).where(and(eq(transfers.id, id), transferVisible(actor.scope.path)));
  if (row) return row;
  return refuseOutOfScope(ctx, actor, 'transfer', id, async () => (await loadTransfer(ctx, id)) !== null);
}

export async function getTransfer(ctx: AppContext, actor: AdminActor, id: number): Promise<Transfer> {
  return presentTransfer(ctx, await visibleTransferOr404(ctx, actor, id), adminViewer(actor));
}

export async function listTransfers(ctx: AppContext, actor: AdminActor, q: { status?: TransferRow['status']; q?: string; page: number; pageSize: number }): Promise<Page<TransferListItem>> {
  const where = and(
    transferVisible(actor.scope.path),
    q.status ? eq(transfers.status, q.status) : undefined,
    q.q ? like(transfers.memberName, `${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
  );
  const fromOrg = sql<string>`(SELECT o.name FROM orgs o WHERE o.id = ${transfers.fromBranchId})`;
  const toOrg = sql<string | null>`(SELECT o.name FROM orgs o WHERE o.id = ${transfers.toOrgId})`;
  const [items, [total]] = await Promise.all([
    ctx.db
      .select({ t: transfers, fromName: fromOrg, toName: toOrg })
      .from(transfers)
      .where(where)
      .orderBy(desc(transfers.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ n: count() }).from(transfers).where(where),
  ]);
  return { items: items.map((r) => listItem(r.t, r.fromName, r.toName)), total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** SQL: the pending node is addressed to the acting org, or to a branch directly below it (TR-4). */
function addressedTo(orgId: number): SQL {
  return sql`(${transferNodes.orgId} = ${orgId} OR EXISTS (SELECT 1 FROM orgs n WHERE n.id = ${transferNodes.orgId} AND n.kind = 'BRANCH' AND n.parent_id = ${orgId}))`;
}

/** 操作中心: the pending nodes this admin decides, oldest first, with age and due time (TR-5). */
export async function inbox(ctx: AppContext, actor: AdminActor, page: number, pageSize: number): Promise<Page<InboxItem>> {
  const where = and(eq(transferNodes.state, 'PENDING'), addressedTo(actor.scope.orgId));
  const now = ctx.clock.now();
  const [items, [total]] = await Promise.all([
    ctx.db
      .select({
        n: transferNodes,
        t: transfers,
        orgName: orgs.name,
        fromName: sql<string>`(SELECT o.name FROM orgs o WHERE o.id = ${transfers.fromBranchId})`,
        toName: sql<string | null>`(SELECT o.name FROM orgs o WHERE o.id = ${transfers.toOrgId})`,
      })
      .from(transferNodes)
      .innerJoin(transfers, eq(transfers.id, transferNodes.transferId))
      .innerJoin(orgs, eq(orgs.id, transferNodes.orgId))
      .where(where)
      .orderBy(asc(transferNodes.dueAt), asc(transferNodes.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    ctx.db.select({ n: count() }).from(transferNodes).where(where),
  ]);
  return {
    items: items.map(({ n, t, orgName, fromName, toName }) => ({
      nodeId: n.id,
      transferId: t.id,
      kind: n.kind,
      memberName: t.memberName,
      reason: t.reason,
      fromBranchName: fromName,
      toOrgName: toName,
      orgName,
      openedAt: n.openedAt!.toISOString(),
      dueAt: n.dueAt!.toISOString(),
      ageDays: ageDays(n.openedAt!, now),
      overdueSoon: now.getTime() >= remindAt(n.openedAt!).getTime(),
      remark: t.remark,
    })),
    total: total?.n ?? 0,
    page,
    pageSize,
  };
}

export async function listNotices(ctx: AppContext, actor: AdminActor, page: number, pageSize: number): Promise<Page<Notice>> {
  const where = eq(transferNotices.orgId, actor.scope.orgId);
  const [items, [total]] = await Promise.all([
    ctx.db.select().from(transferNotices).where(where).orderBy(desc(transferNotices.id)).limit(pageSize).offset((page - 1) * pageSize),
    ctx.db.select({ n: count() }).from(transferNotices).where(where),
  ]);
  return {
    items: items.map((n) => ({ id: n.id, transferId: n.transferId, kind: n.kind, message: n.message, createdAt: n.createdAt.toISOString() })),
    total: total?.n ?? 0,
    page,
    pageSize,
  };
}

// ---- deciding --------------------------------------------------------------------------------

type Decision = { action: 'approve' } | { action: 'reject'; reason: string } | { action: 'allocate'; branchId: number };

/**
 * TR-2/3/4/8: one admin decides one pending node. The transfer row is locked first, then the node is
 * updated only while still PENDING: of two admins acting at once one wins, the other gets 409 and
 * nothing is applied twice. Scope: refused (404, audited) when the transfer is not visible at all;
 * 403 when it is visible but the node belongs to another org (TR-4).
 */
export async function decideNode(ctx: AppContext, actor: AdminActor, nodeId: number, d: Decision): Promise<Transfer> {
  // Every row the checks, the decision and the answer need, in one read; the write that follows
  // locks the transfer and re-checks what could have changed since (open, node still pending).
  const view = await decisionView(ctx.db, nodeId, actor.scope.path, d.action === 'allocate' ? d.branchId : null);
  if (!view) {
    return refuseOutOfScope(ctx, actor, 'transfer_node', nodeId, async () => {
      const [x] = await ctx.db.select({ id: transferNodes.id }).from(transferNodes).where(eq(transferNodes.id, nodeId));
      return !!x;
    });
  }
  const { t, nodes, byId } = view;
  const node = nodes.find((n) => n.id === nodeId)!;
  const nodeOrg = byId.get(node.orgId)!;
  if (!canActOnNode(actor.scope.orgId, { orgId: node.orgId, orgKind: nodeOrg.kind, orgParentId: nodeOrg.parentId })) throw new DomainError('TR_4_NOT_YOUR_NODE');
  if (d.action === 'reject') assertRule(checkRejectionReason(d.reason));
  if (d.action === 'approve' && node.kind === 'ALLOCATION') throw new DomainError('TR_NODE_IS_ALLOCATION');
  if (d.action === 'allocate' && node.kind !== 'ALLOCATION') throw new DomainError('TR_NODE_NOT_ALLOCATION');

  let allocated: ViewOrg | null = null;
  if (d.action === 'allocate') {
    const branch = byId.get(d.branchId);
    if (!branch || branch.deletedAt !== null || branch.kind !== 'BRANCH' || !t.toPath || !isWithin(branch.path, t.toPath)) throw new DomainError('TR_3_ALLOCATE_BRANCH_ONLY');
    allocated = branch;
  }
  const alreadyDecided = () => new DomainError('TR_NODE_ALREADY_DECIDED');
  if (t.status !== 'OPEN' || node.state !== 'PENDING') throw alreadyDecided();

  const who = adminAuditActor(actor);
  const viewer = adminViewer(actor);
  const now = ctx.clock.now();
  const state = d.action === 'approve' ? 'APPROVED' : d.action === 'reject' ? 'REJECTED' : 'ALLOCATED';
  const note = d.action === 'reject' ? d.reason.trim() : null;
  const decision: NodeDecision = {
    nodeId,
    state,
    by: { personId: actor.personId, name: actor.name, orgId: actor.scope.orgId },
    note,
    allocatedBranchId: allocated?.id ?? null,
    audit: {
      action: d.action === 'approve' ? 'TRANSFER_APPROVE' : d.action === 'reject' ? 'TRANSFER_REJECT' : 'TRANSFER_ALLOCATE',
      orgPath: actor.scope.path,
      changes: { [`node${node.seq}`]: { before: 'PENDING', after: state } },
      reason: `${nodeLabel(node)}${note !== null ? `：${note}` : allocated ? `：分配到“${allocated.name}”` : ''}`,
    },
  };
  // When the write succeeds the node was still pending, so the nodes read above are current: the
  // answer is built from them and the write instead of being read again.
  const decided: NodeRow = { ...node, state, decidedAt: now, decidedByPersonId: actor.personId, decidedByName: actor.name, decidedByOrgId: actor.scope.orgId, note, allocatedBranchId: allocated?.id ?? null };
  const after = (n: NodeRow) => (n.id === nodeId ? decided : n);

  if (d.action === 'reject') {
    await ctx.db.transaction(async (tx) => {
      if (!(await applyDecision(tx, t, decision, now, who, null))) throw alreadyDecided();
      await closeTransfer(tx, t, 'REJECTED', now, note);
      await notice(tx, ctx, { orgId: t.startedByOrgId, transferId: t.id, kind: 'REJECTED', message: `${t.memberName}的组织关系转接被${actor.scope.name}退回：${note}` });
    });
    const closed = nodes.map((n) => (n.id === nodeId ? decided : n.state === 'WAITING' || n.state === 'PENDING' ? { ...n, state: 'CANCELLED' as const } : n));
    return transferView({ ...t, status: 'REJECTED', endedAt: now, endNote: note }, closed, byId, viewer);
  }

  const next = nextWaitingNode(nodes);
  if (next) {
    if (!(await applyDecision(ctx.db, t, decision, now, who, { nodeId: next.id, dueAt: dueAt(now) }))) throw alreadyDecided();
    const opened = (n: NodeRow) => (n.id === next.id ? { ...n, state: 'PENDING' as const, openedAt: now, dueAt: dueAt(now) } : after(n));
    return transferView(t, nodes.map(opened), byId, viewer);
  }

  // TR-3: the last node; the member moves to the allocated branch or the target.
  const branchId = allocated?.id ?? (t.reason === 'SPECIAL_UNIT' ? null : t.toOrgId);
  if (branchId === null) {
    // 特殊单位: the province's pool branch may have to be made first — the engine does that.
    await ctx.db.transaction(async (tx) => {
      if (!(await applyDecision(tx, t, decision, now, who, null))) throw alreadyDecided();
      await advance(tx, ctx, t, now, who, null);
    });
    return getTransfer(ctx, actor, t.id);
  }
  const branch = byId.get(branchId);
  // The branch was checked when the transfer started; only a delete or change since gets here.
  if (!branch || branch.deletedAt !== null || branch.kind !== 'BRANCH') throw new DomainError('TR_3_ALLOCATE_BRANCH_ONLY');
  if (!(await completeInOne(ctx.db, { transfer: t, branch, at: now, loggedAt: now, who, decision }))) throw alreadyDecided();
  return transferView({ ...t, status: 'COMPLETED', endedAt: now, finalBranchId: branch.id }, nodes.map(after), byId, viewer);
}

type ViewOrg = PresentOrg & Pick<OrgRow, 'path' | 'deletedAt'>;

/**
 * TR-2/4: a node visible to the admin, with its transfer, all the transfer's nodes and every org the
 * decision and the answer name: the nodes' orgs, the sending branch, the target, allocated branches
 * and `branchId` (an allocation's choice). Null when the node does not exist or is out of scope.
 */
async function decisionView(ex: Executor, nodeId: number, scopePath: string, branchId: number | null): Promise<{ t: TransferRow; nodes: NodeRow[]; byId: Map<number, ViewOrg> } | null> {
  const { lo, hi } = subtreeRange(scopePath);
  const found = await decisionViewQuery(ex).execute({ nodeId, lo, hi, branchId });
  if (found.length === 0) return null;
  const byId = new Map<number, ViewOrg>();
  for (const r of found) for (const o of [r.no, r.fo, r.tgt, r.ao, r.xo]) if (o) byId.set(o.id, o);
  return { t: found[0]!.t, nodes: found.map((r) => r.n), byId };
}

// Built once and run by name (every approval reads this first): the values are placeholders, the
// scope as its path range (`transferVisible`), and a null `branchId` joins no chosen org.
const decisionViewQuery = preparedPerExecutor((ex: Executor) => {
  const [nodeOrg, fromOrg, toOrg, allocOrg, chosenOrg] = [alias(orgs, 'no'), alias(orgs, 'fo'), alias(orgs, 'tgt'), alias(orgs, 'ao'), alias(orgs, 'xo')];
  const cols = <A extends string>(o: ReturnType<typeof alias<typeof orgs, A>>) => ({ id: o.id, name: o.name, fullName: o.fullName, kind: o.kind, parentId: o.parentId, path: o.path, deletedAt: o.deletedAt });
  const [lo, hi] = [sql.placeholder('lo'), sql.placeholder('hi')];
  const inScope = (column: SQLWrapper) => sql`(${column} >= ${lo} AND ${column} < ${hi})`;
  return ex
    .select({ t: transfers, n: transferNodes, no: cols(nodeOrg), fo: cols(fromOrg), tgt: cols(toOrg), ao: cols(allocOrg), xo: cols(chosenOrg) })
    .from(transferNodes)
    .innerJoin(transfers, eq(transfers.id, transferNodes.transferId))
    .innerJoin(nodeOrg, eq(nodeOrg.id, transferNodes.orgId))
    .innerJoin(fromOrg, eq(fromOrg.id, transfers.fromBranchId))
    .leftJoin(toOrg, eq(toOrg.id, transfers.toOrgId))
    .leftJoin(allocOrg, eq(allocOrg.id, transferNodes.allocatedBranchId))
    .leftJoin(chosenOrg, sql`${chosenOrg.id} = ${sql.placeholder('branchId')}::int`)
    .where(and(sql`${transferNodes.transferId} = (SELECT n0.transfer_id FROM transfer_nodes n0 WHERE n0.id = ${sql.placeholder('nodeId')}::int)`, or(inScope(transfers.fromPath), inScope(transfers.toPath))))
    .orderBy(asc(transferNodes.seq))
    .prepare('transfer_decision_view');
});

export interface BatchResult {
  nodeId: number;
  ok: boolean;
  code?: string;
  message?: string;
}

/** 操作中心 batch approve: each node on its own, so one conflict does not undo the others. */
export async function batchApprove(ctx: AppContext, actor: AdminActor, nodeIds: number[]): Promise<{ results: BatchResult[] }> {
  const results: BatchResult[] = [];
  for (const nodeId of nodeIds) {
    try {
      await decideNode(ctx, actor, nodeId, { action: 'approve' });
      results.push({ nodeId, ok: true });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ nodeId, ok: false, code: err.code, message: err.message });
    }
  }
  return { results };
}

/** Cancel by the starter before the end: the starting org's admins, or the member who started it. */
async function cancel(ctx: AppContext, id: number, check: (t: TransferRow) => boolean, who: AuditWho, note: string | null): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const t = await lockTransfer(tx, id);
    if (!t) throw new DomainError('NOT_FOUND');
    if (!check(t)) throw new DomainError('TR_CANCEL_STARTER_ONLY');
    if (t.status !== 'OPEN') throw new DomainError('TR_NOT_OPEN');
    await closeTransfer(tx, t, 'CANCELLED', ctx.clock.now(), note);
    await writeAudit(tx, ctx, who, { action: 'TRANSFER_CANCEL', result: 'OK', objectType: 'transfer', objectId: t.id, objectLabel: t.memberName, orgPath: t.fromPath, alsoOrgPath: t.toPath, reason: note ?? undefined });
  });
}

export async function cancelTransfer(ctx: AppContext, actor: AdminActor, id: number, note: string | null): Promise<Transfer> {
  await visibleTransferOr404(ctx, actor, id);
  await cancel(ctx, id, (t) => t.starterSide !== 'MEMBER' && t.startedByOrgId === actor.scope.orgId, adminAuditActor(actor), note);
  return getTransfer(ctx, actor, id);
}

// ---- 个人中心 ----------------------------------------------------------------------------------

export async function myTransfers(ctx: AppContext, actor: Actor & { memberId: number }): Promise<Transfer[]> {
  const list = await ctx.db.select().from(transfers).where(eq(transfers.memberId, actor.memberId)).orderBy(desc(transfers.id)).limit(20);
  const viewer: Viewer = { kind: 'member', memberId: actor.memberId };
  return Promise.all(list.map((t) => presentTransfer(ctx, t, viewer)));
}

export async function cancelMyTransfer(ctx: AppContext, actor: Actor & { memberId: number }, id: number, note: string | null): Promise<Transfer> {
  const t = await loadTransfer(ctx, id);
  // Another member's transfer answers like a missing one; the attempt is logged under the member's branch (SEC-1/SEC-3).
  if (!t || t.memberId !== actor.memberId) {
    if (t) {
      const [me] = await ctx.db.select({ orgPath: members.orgPath }).from(members).where(eq(members.id, actor.memberId));
      await writeAudit(ctx.db, ctx, { ...actor, actingOrgId: null }, { action: 'ACCESS_DENIED', result: 'DENIED', objectType: 'transfer', objectId: id, orgPath: me?.orgPath ?? null, reason: 'OUT_OF_SCOPE' });
    }
    throw new DomainError('NOT_FOUND');
  }
  await cancel(ctx, id, (x) => x.starterSide === 'MEMBER', { ...actor, actingOrgId: null }, note);
  return presentTransfer(ctx, (await loadTransfer(ctx, id))!, { kind: 'member', memberId: actor.memberId });
}

// ---- finding the target (TR-7, suggestion) ---------------------------------------------------

const targetColumns = {
  id: orgs.id,
  name: orgs.name,
  fullName: orgs.fullName,
  kind: orgs.kind,
  specialKind: orgs.specialKind,
  isTownship: orgs.isTownship,
  regionCode: orgs.regionCode,
  parentName: sql<string | null>`(SELECT p.name FROM orgs p WHERE p.id = ${orgs.parentId})`,
};
type TargetRow = { id: number; name: string; fullName: string; kind: TargetOrg['kind']; specialKind: TargetOrg['specialKind']; isTownship: boolean | null; regionCode: string | null; parentName: string | null };
const toTarget = ({ regionCode, ...r }: TargetRow): TargetOrg => ({ ...r, regionName: regionFullName(regionCode) });

/**
 * TR-7: targets are searched nationwide by any part of the name (trigram index), limited to the
 * chosen one of 北京/广东/福建, or everything but those three. Only names are shown: choosing a
 * target is how a member leaves one subtree for another.
 */
export async function searchTargets(ctx: AppContext, q: { q: string; scope: TargetScope; page: number; pageSize: number }): Promise<Page<TargetOrg>> {
  const separate = await ctx.db
    .select({ path: orgs.path, regionCode: orgs.regionCode })
    .from(orgs)
    .where(and(eq(orgs.leadershipLevel, 'PROVINCIAL'), inArray(orgs.regionCode, Object.values(SEPARATE_PROVINCES)), isNull(orgs.deletedAt)));
  let scopeWhere: SQL | undefined;
  if (q.scope === 'NATIONAL') {
    scopeWhere = separate.length ? and(...separate.map((p) => sql`NOT ${inSubtree(orgs.path, p.path)}`)) : undefined;
  } else {
    const mine = separate.filter((p) => p.regionCode === SEPARATE_PROVINCES[q.scope as Exclude<TargetScope, 'NATIONAL'>]);
    scopeWhere = mine.length ? or(...mine.map((p) => inSubtree(orgs.path, p.path))) : sql`false`;
  }
  // The same name match as the org search: the gram index answers one- and two-character searches too.
  const where = and(isNull(orgs.deletedAt), orgNameMatches(q.q), sql`NOT (${orgs.kind} = 'LEADERSHIP' AND ${orgs.leadershipLevel} IN ('NATIONAL', 'PROVINCIAL'))`, scopeWhere);
  const [items, [total]] = await Promise.all([
    ctx.db
      .select(targetColumns)
      .from(orgs)
      .where(where)
      .orderBy(asc(sql`char_length(${orgs.name})`), asc(orgs.name), asc(orgs.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ n: count() }).from(orgs).where(where),
  ]);
  return { items: items.map(toTarget), total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/**
 * The suggestion the original system lacks: from the reason and the address region (county or
 * township), the township org and its 学社衔接临时团支部 (or the county's own one, TR-11); for
 * 出国（境）学习研究 the school's 出国（境）学习研究团员团支部.
 */
export async function suggestTargets(ctx: AppContext, q: { reason: TransferReason; regionCode?: string; branchId?: number }): Promise<TargetSuggestion[]> {
  const kind = suggestionKind(q.reason);
  if (kind === 'ABROAD_BRANCH') {
    if (!q.branchId) return [];
    const from = await orgContext(ctx.db, q.branchId);
    if (!from?.schoolRootPath) return [];
    const list = await ctx.db
      .select(targetColumns)
      .from(orgs)
      .where(and(isNull(orgs.deletedAt), eq(orgs.specialKind, 'ABROAD_STUDY'), inSubtree(orgs.path, from.schoolRootPath)))
      .orderBy(asc(orgs.path))
      .limit(10);
    return list.map((r) => ({ ...toTarget(r), why: '本校出国（境）学习研究团员团支部' }));
  }
  if (kind !== 'TOWNSHIP' || !q.regionCode) return [];
  const region = q.regionCode;
  const townships = await ctx.db
    .select({ ...targetColumns, path: orgs.path })
    .from(orgs)
    .where(and(isNull(orgs.deletedAt), eq(orgs.isTownship, true), region.length === 9 ? eq(orgs.regionCode, region) : like(orgs.regionCode, `${region}%`)))
    .orderBy(asc(orgs.regionCode), asc(orgs.id))
    .limit(10);
  const out: TargetSuggestion[] = [];
  const preferTransition = q.reason !== 'EMPLOYED_NO_ORG';
  for (const t of townships) {
    const [transition] = await ctx.db
      .select(targetColumns)
      .from(orgs)
      .where(and(eq(orgs.parentId, t.id), eq(orgs.specialKind, 'TRANSITION'), isNull(orgs.deletedAt)));
    const { path: _p, ...town } = t;
    const townItem = { ...toTarget(town), why: '地址所在的乡镇街道团组织' };
    const transItem = transition ? { ...toTarget(transition), why: `${t.name}的学社衔接临时团支部` } : null;
    if (preferTransition && transItem) out.push(transItem, townItem);
    else out.push(townItem, ...(transItem ? [transItem] : []));
  }
  if (region.length === 6) {
    // TR-11: a county-level org may keep its own 学社衔接临时团支部.
    const county = await ctx.db
      .select(targetColumns)
      .from(orgs)
      .where(and(isNull(orgs.deletedAt), eq(orgs.specialKind, 'TRANSITION'), sql`EXISTS (SELECT 1 FROM orgs c WHERE c.id = ${orgs.parentId} AND c.leadership_level = 'COUNTY' AND c.region_code = ${region})`))
      .limit(1);
    out.push(...county.map((r) => ({ ...toTarget(r), why: '县级学社衔接临时团支部' })));
  }
  return out.slice(0, 12);
}

// ---- letters (TR-9) --------------------------------------------------------------------------

export async function issueLetter(ctx: AppContext, actor: AdminActor, input: { transferIds: number[]; feePaidUntil: string; validDays: number }): Promise<Letter> {
  const list: TransferRow[] = [];
  for (const id of input.transferIds) {
    const [t] = await ctx.db.select().from(transfers).where(and(eq(transfers.id, id), inSubtree(transfers.fromPath, actor.scope.path)));
    if (!t) return refuseOutOfScope(ctx, actor, 'transfer', id, async () => (await loadTransfer(ctx, id)) !== null);
    if (t.status === 'CANCELLED' || t.status === 'REJECTED') throw new DomainError('TR_NOT_OPEN');
    list.push(t);
  }
  const toNames = await Promise.all(
    list.map(async (t) => {
      if (t.toOrgId) return (await ctx.db.select({ n: orgs.fullName }).from(orgs).where(eq(orgs.id, t.toOrgId)))[0]!.n;
      return t.reason === 'SPECIAL_UNIT' ? '特殊单位团组织' : (t.fields.unitName ?? '');
    }),
  );
  if (new Set(toNames).size > 1) throw new DomainError('TR_9_LETTER_MIXED_TARGETS');
  const now = ctx.clock.now();
  const year = Number(chinaDate(now).slice(0, 4));
  const id = await ctx.db.transaction(async (tx) => {
    // Per-org numbering: the issuing org's row is the lock, so two letters never share a number.
    await tx.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, actor.scope.orgId)).for('update');
    const [last] = await tx
      .select({ max: sql<number>`coalesce(max(${transferLetters.serial}), 0)::int` })
      .from(transferLetters)
      .where(and(eq(transferLetters.orgId, actor.scope.orgId), eq(transferLetters.year, year)));
    const serial = (last?.max ?? 0) + 1;
    const [row] = await tx
      .insert(transferLetters)
      .values({
        orgId: actor.scope.orgId,
        orgPath: actor.scope.path,
        year,
        serial,
        transferIds: list.map((t) => t.id),
        memberNames: list.map((t) => t.memberName),
        toName: toNames[0]!,
        feePaidUntil: input.feePaidUntil,
        validDays: input.validDays,
        issuedAt: now,
        issuedByPersonId: actor.personId,
      })
      .returning();
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'TRANSFER_LETTER_ISSUE',
      result: 'OK',
      objectType: 'transfer_letter',
      objectId: row!.id,
      objectLabel: letterNumber(year, serial),
      orgPath: actor.scope.path,
      reason: `${list.length}人：${list.map((t) => t.memberName).join('、')}`,
    });
    return row!.id;
  });
  return getLetter(ctx, actor, id);
}

export async function getLetter(ctx: AppContext, actor: AdminActor, id: number): Promise<Letter> {
  const [row] = await ctx.db
    .select({ l: transferLetters, issuerName: orgs.name, issuerFullName: orgs.fullName })
    .from(transferLetters)
    .innerJoin(orgs, eq(orgs.id, transferLetters.orgId))
    .where(and(eq(transferLetters.id, id), inSubtree(transferLetters.orgPath, actor.scope.path)));
  if (!row) return refuseOutOfScope(ctx, actor, 'transfer_letter', id, async () => (await ctx.db.select({ id: transferLetters.id }).from(transferLetters).where(eq(transferLetters.id, id))).length > 0);
  const { l } = row;
  return {
    id: l.id,
    number: letterNumber(l.year, l.serial),
    issuerName: row.issuerName,
    issuerFullName: row.issuerFullName,
    toName: l.toName,
    memberNames: l.memberNames,
    count: l.memberNames.length,
    feePaidUntil: l.feePaidUntil,
    validDays: l.validDays,
    issuedAt: l.issuedAt.toISOString(),
  };
}

