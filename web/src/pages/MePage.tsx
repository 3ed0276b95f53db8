import { EditOutlined, KeyOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Collapse, Empty, Form, Result, Row, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { UpdateMyProfileRequest } from '../../../src/contracts/members';
import { api, errorMessage } from '../api/client';
import type { MyProfile } from '../api/types';
import { FormErrors } from '../components/FormErrors';
import { ResponsiveModal } from '../components/ResponsiveModal';
import { applyServerErrors, changedFields, checkWithSchema, emptyToNull } from '../lib/forms';
import { useIsMobile } from '../lib/useIsMobile';
import { BASIC_PROFILE_KEYS, DESTINATION_KEYS, PROFILE_KEYS, ProfileFieldGrid } from '../members/fields';
import { MemberDescriptions, MemberIssues, MemberTags, MembershipTimeline } from '../members/MemberView';
import { useSession } from '../session/context';
import { MyTransfers } from '../transfers/MyTransfers';

type Profile = NonNullable<MyProfile['member']>;
type ProfileValues = Partial<Record<(typeof PROFILE_KEYS)[number], string | null>>;

function ProfileEditor({ member, open, onClose }: { member: Profile; open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<ProfileValues>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const initial = Object.fromEntries(PROFILE_KEYS.filter((k) => k !== 'phone').map((k) => [k, member[k] ?? undefined]));

  const save = useMutation({
    mutationFn: (patch: ProfileValues) => api.patch<MyProfile>('/api/me', patch),
    onSuccess: (data) => {
      queryClient.setQueryData(['me'], data);
      message.success('资料已保存');
      onClose();
    },
    onError: (err) => setError({ message: errorMessage(err), details: applyServerErrors(form, err) }),
  });

  const submit = (values: ProfileValues) => {
    setError(null);
    const { phone, ...rest } = emptyToNull(values);
    const patch: ProfileValues = changedFields(rest, member as unknown as Record<string, unknown>);
    if (phone) patch.phone = phone;
    if (Object.keys(patch).length === 0) {
      message.info('没有需要保存的修改');
      onClose();
      return;
    }
    if (!checkWithSchema(form, UpdateMyProfileRequest, patch)) return;
    save.mutate(patch);
  };

  return (
    <ResponsiveModal
      open={open}
      title="完善个人资料"
      onCancel={onClose}
      okText="保存"
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      width={800}
    >
      <Typography.Paragraph type="secondary">
        姓名、身份证号码、所在团支部和入团信息由团组织管理员维护，如有错误请联系所在团支部。
      </Typography.Paragraph>
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form form={form} name="profile" layout="vertical" initialValues={initial} onFinish={submit}>
        <ProfileFieldGrid keys={BASIC_PROFILE_KEYS} maskedPhone={member.phone} missing={member.missingFields} />
        <Collapse
          ghost
          items={[{ key: 'dest', label: '毕业去向（毕业学生填写）', forceRender: true, children: <ProfileFieldGrid keys={DESTINATION_KEYS} /> }]}
        />
      </Form>
    </ResponsiveModal>
  );
}

/** 个人中心: the member's own record (masked), what is missing, history, and the profile form. */
export function MePage() {
  const session = useSession();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  const [editing, setEditing] = useState(false);
  const me = useQuery({ queryKey: ['me'], queryFn: () => api.get<MyProfile>('/api/me') });

  if (session.person.memberId === null) {
    return <Result status="info" title="您没有团员档案" subTitle="个人中心仅供团员本人使用。" extra={<Button onClick={() => navigate('/')}>返回</Button>} />;
  }
  if (me.isPending) return <Card><Skeleton active /></Card>;
  if (me.isError) return <Result status="error" title="加载失败" subTitle={errorMessage(me.error)} extra={<Button onClick={() => void me.refetch()}>重试</Button>} />;
  const member = me.data.member;
  if (!member) return <Empty description="没有找到您的团员档案" />;

  return (
    <div style={{ maxWidth: 1100, margin: '0 auto' }}>
      <Card
        title={
          <Space wrap>
            <span>个人中心 · {member.name}</span>
            <MemberTags m={member} />
          </Space>
        }
        extra={
          !mobile && (
            <Space>
              <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>完善资料</Button>
              <Button icon={<KeyOutlined />} onClick={() => navigate('/password')}>修改密码</Button>
            </Space>
          )
        }
      >
        {mobile && (
          <Space style={{ marginBottom: 12 }} wrap>
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>完善资料</Button>
            <Button icon={<KeyOutlined />} onClick={() => navigate('/password')}>修改密码</Button>
          </Space>
        )}
        <MemberIssues m={member} />
        <MemberDescriptions m={member} columns={mobile ? 1 : 2} />
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} md={12}>
          <Card title="组织关系记录" size="small">
            <MembershipTimeline m={member} />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title="现任团内职务" size="small">
            {me.data.cadrePositions.length === 0 ? (
              <Typography.Text type="secondary">无</Typography.Text>
            ) : (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {me.data.cadrePositions.map((p) => (
                  <li key={`${p.orgName}-${p.position}-${p.startedAt}`}>
                    {p.orgName} · {p.position}（{p.startedAt} 起）
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </Col>
      </Row>
      {member.status === 'ACTIVE' && <MyTransfers />}
      {editing && <ProfileEditor member={member} open={editing} onClose={() => setEditing(false)} />}
    </div>
  );
}
