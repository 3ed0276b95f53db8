import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, DatePicker, Form, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { GRADUATION_EXEMPT_REASON_LABELS, type GraduationExemptReason } from '../../../../src/domain/enums';
import { PROGRAM_YEARS, gradeOf, proposeGraduationAt, type Program } from '../../../../src/domain/graduation';
import { api, errorMessage } from '../../api/client';
import type { OrgSummary } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { optionsOf } from '../../lib/format';
import { useManage } from '../context';

interface Values {
  mode: 'time' | 'reason';
  graduationAt?: Dayjs;
  exemptReason?: GraduationExemptReason;
  grade?: number;
  program?: Program;
}

/** "2026-06" → "2026年6月" */
export function yearMonthLabel(ym: string): string {
  return `${ym.slice(0, 4)}年${Number(ym.slice(5, 7))}月`;
}

/** What a branch's mark says in lists (GRAD-4). */
export function graduationMarkLabel(o: Pick<OrgSummary, 'graduationAt' | 'graduationExemptReason'>): string {
  if (o.graduationAt) return yearMonthLabel(o.graduationAt);
  if (o.graduationExemptReason) return `无法确定：${GRADUATION_EXEMPT_REASON_LABELS[o.graduationExemptReason]}`;
  return '';
}

/**
 * 标记团支部团员毕业时间 (GRAD-1…4, GRAD-7): one shared time or a reason for all selected branches; the
 * form proposes the time from 年级 and 学制, and a second step says what will happen before it is saved.
 */
export function GraduationMarkModal({ branches, onClose }: { branches: OrgSummary[]; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const mode = Form.useWatch('mode', form);
  const first = branches[0];
  const initialGrade = first ? gradeOf(first.name) : null;

  const save = useMutation({
    mutationFn: (body: { graduationAt: string | null; exemptReason: GraduationExemptReason | null }) =>
      api.post('/api/graduation/branch-marks', { branchIds: branches.map((b) => b.id), ...body, confirm: true }, { orgId: actingOrgId }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['children', actingOrgId] });
      void queryClient.invalidateQueries({ queryKey: ['org', actingOrgId] });
      message.success(`已标记 ${branches.length} 个团支部`);
      onClose();
    },
    onError: (err) => setError(errorMessage(err)),
  });

  const propose = () => {
    const { grade, program } = form.getFieldsValue();
    if (!grade || !program) return;
    form.setFieldsValue({ graduationAt: dayjs(`${proposeGraduationAt(grade, PROGRAM_YEARS[program])}-01`) });
  };

  const next = (v: Values) => {
    const body = v.mode === 'time' ? { graduationAt: v.graduationAt!.format('YYYY-MM'), exemptReason: null } : { graduationAt: null, exemptReason: v.exemptReason! };
    const what = body.graduationAt ? `毕业时间标记为 ${yearMonthLabel(body.graduationAt)}` : `标记为“${GRADUATION_EXEMPT_REASON_LABELS[body.exemptReason!]}”（不确定毕业时间）`;
    modal.confirm({
      title: '请确认标记',
      width: 520,
      content: (
        <div>
          <p>
            将把所选 <b>{branches.length}</b> 个团支部的{what}。
          </p>
          {body.graduationAt && (
            <p>
              到毕业当年的转换日（默认6月1日），系统会自动把这些团支部转为“毕业生团组织”，其团员标记为“毕业生”，纳入学社衔接；延迟毕业团员和教师须另行标记。
            </p>
          )}
          <p>标记错误可以随时修改，每次标记和修改都记入操作日志。</p>
        </div>
      ),
      okText: '确定标记',
      cancelText: '返回修改',
      onOk: () => save.mutateAsync(body),
    });
  };

  return (
    <ResponsiveModal open title="标记团支部团员毕业时间" okText="下一步" onOk={() => form.submit()} onCancel={onClose} confirmLoading={save.isPending} width={600}>
      <Typography.Paragraph type="secondary">
        已选 {branches.length} 个团支部：{branches.slice(0, 5).map((b) => b.name).join('、')}
        {branches.length > 5 ? ` 等` : ''}。批量标记时共用一个毕业时间（GRAD-3）。
      </Typography.Paragraph>
      <FormErrors message={error} />
      <Form<Values>
        form={form}
        name="graduationMark"
        layout="vertical"
        initialValues={{
          mode: first?.graduationExemptReason ? 'reason' : 'time',
          graduationAt: first?.graduationAt ? dayjs(`${first.graduationAt}-01`) : undefined,
          exemptReason: first?.graduationExemptReason ?? undefined,
          grade: initialGrade ?? undefined,
          program: '本科',
        }}
        onFinish={next}
      >
        <Form.Item name="mode" label="标记方式">
          <Radio.Group
            options={[
              { value: 'time', label: '按预计毕业时间' },
              { value: 'reason', label: '无法确定毕业时间（选择理由）' },
            ]}
          />
        </Form.Item>
        {mode !== 'reason' ? (
          <>
            <Row gutter={12} align="bottom">
              <Col xs={12} sm={8}>
                <Form.Item name="grade" label="年级">
                  <InputNumber min={2000} max={2100} style={{ width: '100%' }} placeholder="如 2023" />
                </Form.Item>
              </Col>
              <Col xs={12} sm={9}>
                <Form.Item name="program" label="学制">
                  <Select options={(Object.keys(PROGRAM_YEARS) as Program[]).map((p) => ({ value: p, label: `${p}（${PROGRAM_YEARS[p]}年）` }))} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={7}>
                <Form.Item>
                  <Button onClick={propose} block>
                    推算毕业时间
                  </Button>
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="graduationAt" label="预计毕业时间" rules={[{ required: true, message: '请选择预计毕业时间' }]}>
              <DatePicker picker="month" style={{ width: '100%' }} placeholder="选择年月" format="YYYY年M月" />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="exemptReason" label="理由" rules={[{ required: true, message: '请选择理由' }]}>
            <Select options={optionsOf(GRADUATION_EXEMPT_REASON_LABELS)} placeholder="教师支部 / 混合支部" />
          </Form.Item>
        )}
      </Form>
      <Alert type="info" showIcon title={<Space>时间与理由只能选其一（GRAD-2）；9月入学的学生按学制在毕业当年6月毕业，例如2020级本科为2024年6月。</Space>} />
    </ResponsiveModal>
  );
}
