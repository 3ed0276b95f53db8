import { SearchOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, Row, Select, Space } from 'antd';
import { useState } from 'react';
import { IDENTITY_STATUS_LABELS, POLITICAL_STATUS_LABELS } from '../../../../src/domain/enums';
import { optionsOf } from '../../lib/format';
import { useIsMobile } from '../../lib/useIsMobile';

export interface MemberFilters {
  name?: string;
  idNumber?: string;
  politicalStatus?: string;
  isCadre?: 'true' | 'false';
  profileComplete?: 'true' | 'false';
  identityStatus?: string;
}

const YES_NO = [
  { value: 'true', label: '是' },
  { value: 'false', label: '否' },
];

/** The member list's filters (ListMembersQuery); empty values are dropped before they reach the URL. */
export function MemberFilterBar({ onChange }: { onChange: (f: MemberFilters) => void }) {
  const mobile = useIsMobile();
  const [form] = Form.useForm<MemberFilters>();
  // On a phone only the name filter shows until the user asks for the rest.
  const [moreFilters, setMoreFilters] = useState(false);
  const showAll = !mobile || moreFilters;
  const onApply = (v: MemberFilters) => onChange(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== '')) as MemberFilters);

  return (
    <Form form={form} name="memberFilters" layout="vertical" onFinish={onApply} style={{ marginBottom: 8 }}>
      <Row gutter={[12, 0]}>
        <Col xs={24} md={6} xl={4}>
          <Form.Item label="姓名" name="name" tooltip="按姓名开头查找">
            <Input allowClear placeholder="姓名开头" maxLength={40} />
          </Form.Item>
        </Col>
        {showAll && (
          <>
            <Col xs={12} md={6} xl={4}>
              <Form.Item label="身份证号码" name="idNumber" tooltip="完整的18位号码">
                <Input allowClear placeholder="完整号码" maxLength={18} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={4}>
              <Form.Item label="政治面貌" name="politicalStatus">
                <Select allowClear placeholder="全部" options={optionsOf(POLITICAL_STATUS_LABELS)} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={3}>
              <Form.Item label="是否团干部" name="isCadre">
                <Select allowClear placeholder="全部" options={YES_NO} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={3}>
              <Form.Item label="资料是否完整" name="profileComplete">
                <Select allowClear placeholder="全部" options={YES_NO} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={3}>
              <Form.Item label="团员身份" name="identityStatus">
                <Select allowClear placeholder="全部" options={optionsOf(IDENTITY_STATUS_LABELS)} />
              </Form.Item>
            </Col>
          </>
        )}
        <Col xs={24} md={12} xl={3}>
          <Form.Item label={mobile ? undefined : ' '} colon={false}>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                查询
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  onApply({});
                }}
              >
                重置
              </Button>
              {mobile && (
                <Button type="link" onClick={() => setMoreFilters((v) => !v)}>
                  {moreFilters ? '收起筛选' : '更多筛选'}
                </Button>
              )}
            </Space>
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}
