import { Col, Form, Input, Row, Select } from 'antd';
import type { ReactNode } from 'react';
import { CreateMemberRequest, UpdateMyProfileRequest } from '../../../src/contracts/members';
import { EDUCATION_LEVELS, ETHNICITIES, OCCUPATIONS, POLITICAL_STATUS_LABELS } from '../../../src/domain/enums';
import { PROFILE_FIELDS } from '../../../src/domain/members';
import { RegionPicker } from '../components/RegionPicker';
import { zodRule } from '../lib/forms';
import { listOptions, optionsOf } from '../lib/format';

/** Labels of member fields the UI shows (SPEC data dictionary). */
export const MEMBER_FIELD_LABELS: Record<string, string> = {
  ...PROFILE_FIELDS,
  name: '姓名',
  idNumber: '身份证号码',
  gender: '性别',
  birthDate: '出生日期',
  branchId: '所在团支部',
  isCadre: '是否团干部',
  admittedAt: '支部大会通过日期',
  identityEvidence: '团员身份认定依据',
  identityStatus: '团员身份',
  developedByOrgId: '发展其入团的团组织',
  developedByOrgName: '发展其入团的团组织',
  email: '电子邮箱',
  graduateStatus: '毕业状态',
  graduationAt: '毕业时间',
  destinationUnit: '去向单位名称',
  destinationAddress: '去向单位地址',
  destinationRegionCode: '去向单位所在地',
  parentsAddress: '父母居住地',
  status: '状态',
  leaveReason: '离团原因',
  profileComplete: '资料是否完整',
};

/** The fields of UpdateMyProfileRequest: what 个人中心 may send. */
export const PROFILE_KEYS = Object.keys(UpdateMyProfileRequest.shape) as (keyof UpdateMyProfileRequest)[];
export type ProfileKey = (typeof PROFILE_KEYS)[number];

const shape = CreateMemberRequest.shape;
export const half = { xs: 24, md: 12 } as const;

export interface ProfileItemOptions {
  /** The phone is only ever shown masked: the input stays empty and is sent only when a new number is typed. */
  maskedPhone?: string | null;
  /** Fields still empty (ST-2), marked so the member sees what to fill. */
  missing?: string[];
}

/** The form item for one profile field, validated by the contract's own zod schema. */
export function profileItem(key: ProfileKey, opts: ProfileItemOptions = {}): ReactNode {
  const missing = opts.missing?.includes(key) ? <span className="missing-field">尚未填写</span> : undefined;
  const label = MEMBER_FIELD_LABELS[key] ?? key;
  switch (key) {
    case 'phone':
      return (
        <Form.Item
          label={label}
          name="phone"
          rules={[zodRule(shape.phone)]}
          extra={opts.maskedPhone ? `已登记：${opts.maskedPhone}。如需更换，请输入新号码` : missing}
        >
          <Input inputMode="numeric" maxLength={11} placeholder={opts.maskedPhone ? '不修改请留空' : '11位手机号码'} autoComplete="tel" />
        </Form.Item>
      );
    case 'ethnicity':
      return (
        <Form.Item label={label} name="ethnicity" required rules={[zodRule(shape.ethnicity)]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={listOptions(ETHNICITIES)} placeholder="请选择（可输入搜索）" />
        </Form.Item>
      );
    case 'politicalStatus':
      return (
        <Form.Item label={label} name="politicalStatus" required rules={[zodRule(shape.politicalStatus)]}>
          <Select options={optionsOf(POLITICAL_STATUS_LABELS)} placeholder="请选择" />
        </Form.Item>
      );
    case 'education':
    case 'highestEducation':
      return (
        <Form.Item label={label} name={key} extra={missing}>
          <Select allowClear options={listOptions(EDUCATION_LEVELS)} placeholder="请选择" />
        </Form.Item>
      );
    case 'occupation':
      return (
        <Form.Item label={label} name="occupation" extra={missing}>
          <Select allowClear options={listOptions(OCCUPATIONS)} placeholder="请选择" />
        </Form.Item>
      );
    case 'email':
      return (
        <Form.Item label={label} name="email" rules={[zodRule(shape.email)]}>
          <Input type="email" maxLength={128} autoComplete="email" />
        </Form.Item>
      );
    case 'destinationRegionCode':
      return (
        <Form.Item
          label={label}
          name="destinationRegionCode"
          rules={[zodRule(shape.destinationRegionCode)]}
          extra="须选到县（市、区）或乡镇街道"
        >
          <RegionPicker minLevel="COUNTY" placeholder="选择省 / 市 / 县（市、区）/ 乡镇街道" />
        </Form.Item>
      );
    case 'workUnit':
    case 'destinationUnit':
      return (
        <Form.Item label={label} name={key} rules={[zodRule(shape[key])]} extra={missing}>
          <Input maxLength={100} />
        </Form.Item>
      );
    case 'hukouAddress':
    case 'residenceAddress':
    case 'destinationAddress':
    case 'parentsAddress':
      return (
        <Form.Item label={label} name={key} rules={[zodRule(shape[key])]} extra={missing}>
          <Input maxLength={200} placeholder={key === 'hukouAddress' ? '例如：浙江省杭州市西湖区…' : '详细地址'} />
        </Form.Item>
      );
  }
}

/** Profile fields in a grid: two columns on a desktop, one on a phone. */
export function ProfileFieldGrid({ keys, ...opts }: { keys: readonly ProfileKey[] } & ProfileItemOptions) {
  return (
    <Row gutter={16}>
      {keys.map((k) => (
        <Col key={k} {...half}>
          {profileItem(k, opts)}
        </Col>
      ))}
    </Row>
  );
}

/** 个人中心 and the admin's edit form share these groups. */
export const BASIC_PROFILE_KEYS: readonly ProfileKey[] = [
  'phone',
  'ethnicity',
  'politicalStatus',
  'occupation',
  'education',
  'highestEducation',
  'workUnit',
  'email',
  'hukouAddress',
  'residenceAddress',
];
/** MEM-7: where a graduating student goes. */
export const DESTINATION_KEYS: readonly ProfileKey[] = ['destinationUnit', 'destinationRegionCode', 'destinationAddress', 'parentsAddress'];
