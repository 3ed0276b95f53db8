import { ApartmentOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Card, Col, Drawer, Result, Row, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import {
  INDUSTRY_CATEGORY_LABELS,
  LEADERSHIP_LEVEL_LABELS,
  ORG_CATEGORY_LABELS,
  ORG_KIND_LABELS,
  SPECIAL_KIND_LABELS,
} from '../../../src/domain/enums';
import { errorMessage } from '../api/client';
import type { Org } from '../api/types';
import { townshipLabel } from '../lib/format';
import { useIsMobile } from '../lib/useIsMobile';
import { useSession } from '../session/context';
import { AdminsTab } from './admins/AdminsTab';
import { AuditTab } from './audit/AuditTab';
import { CadresTab } from './cadres/CadresTab';
import { ManageContext, useOrg, type ManageContextValue } from './context';
import { MembersTab } from './members/MembersTab';
import { OrgSearchBox } from './OrgSearchBox';
import { OrgTree, type OrgTreeHandle } from './OrgTree';
import { ChildrenTab } from './orgs/ChildrenTab';
import { CampaignTab, showsCampaignTab } from './campaign/CampaignTab';
import { TransfersTab } from '../transfers/TransfersTab';
import { TransfersTabLabel } from '../transfers/TransfersTabLabel';
import { DevNumbersTab } from './supervision/DevNumbersTab';
import { ReportsTab } from './supervision/ReportsTab';
import { SupervisionTab } from './supervision/SupervisionTab';

const TABS = ['members', 'children', 'cadres', 'admins', 'transfers', 'campaign', 'supervision', 'reports', 'devnumbers', 'audit'] as const;
type TabKey = (typeof TABS)[number];

function useWindowHeight(): number {
  const [h, setH] = useState(() => window.innerHeight);
  useEffect(() => {
    const on = () => setH(window.innerHeight);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return h;
}

function OrgHeader({ org, onPick }: { org: Org; onPick: (id: number) => void }) {
  return (
    <div style={{ marginBottom: 8 }}>
      {org.ancestors.length > 1 && (
        <Breadcrumb
          style={{ marginBottom: 4 }}
          items={org.ancestors.map((a, i) =>
            i === org.ancestors.length - 1
              ? { key: a.id, title: a.name }
              : { key: a.id, title: <a onClick={() => onPick(a.id)}>{a.name}</a> },
          )}
        />
      )}
      <Typography.Title level={4} style={{ margin: 0 }}>
        {org.name}
      </Typography.Title>
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 6 }}>
        {org.fullName}
      </Typography.Text>
      <Space size={[4, 4]} wrap>
        <Tag color="red">
          {ORG_KIND_LABELS[org.kind]}
          {org.leadershipLevel ? `（${LEADERSHIP_LEVEL_LABELS[org.leadershipLevel]}）` : ''}
        </Tag>
        {org.specialKind && <Tag color="blue">{SPECIAL_KIND_LABELS[org.specialKind]}</Tag>}
        {org.category === 'GRADUATE' && <Tag color="purple">{ORG_CATEGORY_LABELS.GRADUATE}</Tag>}
        <Tag>{INDUSTRY_CATEGORY_LABELS[org.industryCategory]}</Tag>
        {org.kind !== 'BRANCH' && <Tag>乡镇街道：{townshipLabel(org.isTownship)}</Tag>}
        {org.regionName && <Tag>{org.regionName}</Tag>}
        {org.kind !== 'BRANCH' && <Tag>直属下级 {org.childCount}</Tag>}
        <Tag>团员 {org.subtreeMemberCount}</Tag>
      </Space>
    </div>
  );
}

/** 管理中心 of the org in the URL: the org tree on the left, the selected org's tabs on the right. */
export function ManagePage() {
  const session = useSession();
  const mobile = useIsMobile();
  const windowHeight = useWindowHeight();
  const params = useParams();
  const actingOrgId = Number(params.orgId);
  const role = session.roles.find((r) => r.orgId === actingOrgId);
  const [search, setSearch] = useSearchParams();
  const currentOrgId = Number(search.get('org')) || actingOrgId;
  const tab: TabKey = (TABS as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as TabKey) : 'members';
  const [drawerOpen, setDrawerOpen] = useState(false);
  const tree = useRef<OrgTreeHandle>(null);
  const current = useOrg(actingOrgId, role ? currentOrgId : undefined);

  const selectOrg = useCallback(
    (id: number) => {
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (id === actingOrgId) next.delete('org');
          else next.set('org', String(id));
          return next;
        },
        { replace: false },
      );
      setDrawerOpen(false);
    },
    [actingOrgId, setSearch],
  );

  const pickFromSearch = useCallback(
    (id: number) => {
      selectOrg(id);
      void tree.current?.reveal(id);
    },
    [selectOrg],
  );

  // After a reload with ?org=…, open the tree down to that org.
  const revealed = useRef(false);
  useEffect(() => {
    if (!revealed.current && currentOrgId !== actingOrgId && tree.current) {
      revealed.current = true;
      void tree.current.reveal(currentOrgId);
    }
  });

  const ctx = useMemo<ManageContextValue>(
    // Picking an org anywhere in the tabs also opens the tree down to it.
    () => ({ actingOrgId, currentOrgId, selectOrg: pickFromSearch, reloadTreeNode: (id) => void tree.current?.reload(id) }),
    [actingOrgId, currentOrgId, pickFromSearch],
  );

  if (!role) {
    return (
      <Result
        status="403"
        title="您不是该组织的管理员"
        subTitle="请从右上角菜单选择您管理的组织。"
        extra={<Link to="/">返回身份选择</Link>}
      />
    );
  }

  const treePanel = (
    <div className="tree-panel">
      <div style={{ marginBottom: 8 }}>
        <OrgSearchBox actingOrgId={actingOrgId} onPick={pickFromSearch} />
      </div>
      <OrgTree
        ref={tree}
        actingOrgId={actingOrgId}
        selectedId={currentOrgId}
        onSelect={selectOrg}
        height={mobile ? Math.max(300, windowHeight - 160) : Math.max(360, windowHeight - 190)}
      />
    </div>
  );

  const org = current.data;
  const tabs = org
    ? [
        { key: 'members', label: '团员', children: <MembersTab key={org.id} org={org} /> },
        { key: 'children', label: '下级组织', children: <ChildrenTab key={org.id} org={org} /> },
        { key: 'cadres', label: '团干部', children: <CadresTab key={org.id} org={org} /> },
        { key: 'admins', label: '管理员', children: <AdminsTab key={org.id} org={org} /> },
        { key: 'transfers', label: <TransfersTabLabel actingOrgId={actingOrgId} />, children: <TransfersTab key={org.id} org={org} /> },
        ...(showsCampaignTab(org) ? [{ key: 'campaign', label: '学社衔接', children: <CampaignTab key={org.id} org={org} /> }] : []),
        { key: 'supervision', label: '统计监督', children: <SupervisionTab org={org} /> },
        { key: 'reports', label: '上报事项', children: <ReportsTab /> },
        { key: 'devnumbers', label: '发展团员编号', children: <DevNumbersTab /> },
        { key: 'audit', label: '操作日志', children: <AuditTab /> },
      ]
    : [];

  const main = (
    <Card size="small" styles={{ body: { padding: mobile ? 8 : 16 } }}>
      {current.isPending ? (
        <Skeleton active />
      ) : current.isError || !org ? (
        <Result
          status="warning"
          title="无法显示该组织"
          subTitle={errorMessage(current.error)}
          extra={<Button onClick={() => selectOrg(actingOrgId)}>回到本级组织</Button>}
        />
      ) : (
        <>
          <OrgHeader org={org} onPick={pickFromSearch} />
          <Tabs
            activeKey={tab}
            onChange={(k) =>
              setSearch((prev) => {
                const next = new URLSearchParams(prev);
                next.set('tab', k);
                return next;
              })
            }
            items={tabs}
            destroyOnHidden
          />
        </>
      )}
    </Card>
  );

  return (
    <ManageContext.Provider value={ctx}>
      {/* `main` keeps its place in the tree at every width, so resizing never resets the tabs' state. */}
      <Row gutter={16} wrap={false}>
        {!mobile && (
          <Col flex="320px" style={{ minWidth: 0 }}>
            <Card size="small" title={role.orgName} styles={{ body: { padding: 8 } }}>
              {treePanel}
            </Card>
          </Col>
        )}
        <Col flex="auto" style={{ minWidth: 0 }}>
          {mobile && (
            <Button icon={<ApartmentOutlined />} block style={{ marginBottom: 8, textAlign: 'left' }} onClick={() => setDrawerOpen(true)}>
              组织树：{org?.name ?? role.orgName}
            </Button>
          )}
          {mobile && (
            <Drawer title="选择组织" placement="left" size="88%" open={drawerOpen} onClose={() => setDrawerOpen(false)} forceRender styles={{ body: { padding: 12 } }}>
              {treePanel}
            </Drawer>
          )}
          {main}
        </Col>
      </Row>
    </ManageContext.Provider>
  );
}
