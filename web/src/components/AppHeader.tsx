import { DownOutlined, LogoutOutlined, KeyOutlined, UserOutlined, ApartmentOutlined, SafetyOutlined, SwapOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps } from 'antd';
import { Link, matchPath, useLocation, useNavigate } from 'react-router-dom';
import { useSession, useSessionApi } from '../session/context';
import { useIsMobile } from '../lib/useIsMobile';

/** Top bar: who is logged in, which identity they act as, and the menu to switch or log out. */
export function AppHeader() {
  const session = useSession();
  const { logout } = useSessionApi();
  const navigate = useNavigate();
  const location = useLocation();
  const mobile = useIsMobile();
  const manage = matchPath('/manage/:orgId', location.pathname);
  const actingRole = manage ? session.roles.find((r) => String(r.orgId) === manage.params.orgId) : undefined;
  const identity = actingRole ? `管理中心 · ${actingRole.orgName}` : location.pathname === '/me' ? '个人中心' : '';
  const locked = session.mustChangePassword;

  const items: MenuProps['items'] = [
    ...(!locked && session.person.memberId !== null ? [{ key: '/me', icon: <UserOutlined />, label: '个人中心' }] : []),
    ...(!locked
      ? session.roles.map((r) => ({ key: `/manage/${r.orgId}`, icon: <ApartmentOutlined />, label: `管理中心 · ${r.orgName}` }))
      : []),
    ...(!locked && session.roles.length + (session.person.memberId !== null ? 1 : 0) > 1
      ? [{ key: '/', icon: <SwapOutlined />, label: '切换身份' }]
      : []),
    { type: 'divider' as const },
    ...(!locked ? [{ key: '/password', icon: <KeyOutlined />, label: '修改密码' }] : []),
    ...(!locked ? [{ key: '/security', icon: <SafetyOutlined />, label: '账号安全' }] : []),
    { key: 'logout', icon: <LogoutOutlined />, label: '退出登录', danger: true },
  ];

  return (
    <header className="app-header">
      <Link to="/" className="brand">
        智慧团建
      </Link>
      <span className="identity" title={identity}>
        {identity}
      </span>
      <Dropdown
        trigger={['click']}
        menu={{
          items,
          selectedKeys: [location.pathname],
          onClick: ({ key }) => {
            if (key === 'logout') void logout();
            else navigate(key);
          },
        }}
      >
        <Button type="text" style={{ color: '#fff' }} aria-label="用户菜单">
          <UserOutlined />
          {!mobile && <span>{session.person.name}</span>}
          <DownOutlined />
        </Button>
      </Dropdown>
    </header>
  );
}
