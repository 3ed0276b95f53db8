import { ApartmentOutlined, UserOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Row, Typography } from 'antd';
import { Link, Navigate } from 'react-router-dom';
import { ORG_KIND_LABELS } from '../../../src/domain/enums';
import { useSession } from '../session/context';

/** 身份选择 (SEC-1): 个人中心 or the 管理中心 of one org; with a single choice go straight there. */
export function ChooseRolePage() {
  const session = useSession();
  const choices = [
    ...(session.person.memberId !== null
      ? [{ to: '/me', icon: <UserOutlined />, title: '个人中心', text: '查看和完善本人团员信息', extra: '团员' }]
      : []),
    ...session.roles.map((r) => ({
      to: `/manage/${r.orgId}`,
      icon: <ApartmentOutlined />,
      title: `管理中心 · ${r.orgName}`,
      text: r.orgFullName,
      extra: `${ORG_KIND_LABELS[r.kind]}管理员`,
    })),
  ];
  if (choices.length === 1) return <Navigate to={choices[0]!.to} replace />;

  return (
    <div style={{ maxWidth: 960, margin: '0 auto' }}>
      <Typography.Title level={4}>请选择身份</Typography.Title>
      <Typography.Paragraph type="secondary">
        {session.person.name}，您好。您可以随时通过右上角的菜单切换身份。
      </Typography.Paragraph>
      {choices.length === 0 ? (
        <Empty description="您的账号目前没有团员档案，也不是任何组织的管理员" />
      ) : (
        <Row gutter={[16, 16]}>
          {choices.map((c) => (
            <Col xs={24} md={12} key={c.to}>
              <Link to={c.to}>
                <Card hoverable>
                  <Card.Meta avatar={<span style={{ fontSize: 28, color: '#c8161e' }}>{c.icon}</span>} title={c.title} description={<>
                    <div>{c.text}</div>
                    <Typography.Text type="secondary">{c.extra}</Typography.Text>
                  </>} />
                </Card>
              </Link>
            </Col>
          ))}
        </Row>
      )}
    </div>
  );
}
