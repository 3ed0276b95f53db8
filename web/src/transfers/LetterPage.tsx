import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Skeleton, Space } from 'antd';
import { useParams } from 'react-router-dom';
import type { Letter } from '../../../src/contracts/transfers';
import { api, errorMessage } from '../api/client';

/** TR-9 组织关系介绍信: an A4 page (print CSS hides everything else), after seed 003 attachment 2. */
export function LetterPage() {
  const { orgId, id } = useParams();
  const letter = useQuery({ queryKey: ['transfer-letter', orgId, id], queryFn: () => api.get<Letter>(`/api/transfer-letters/${id}`, { orgId: Number(orgId) }) });
  if (letter.isPending) return <Skeleton active />;
  if (letter.isError) return <Alert type="error" showIcon title={errorMessage(letter.error)} />;
  const l = letter.data;
  const [y, m] = l.feePaidUntil.split('-');
  const issued = new Date(l.issuedAt);
  const names = l.memberNames.join('、');
  return (
    <div>
      <Space className="no-print" style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          打印
        </Button>
        <Button onClick={() => window.history.back()}>返回</Button>
      </Space>
      <article className="letter-a4" aria-label="组织关系介绍信">
        <h1>{l.issuerFullName.replace(/委员会$/, '委员会')}</h1>
        <h2>组织关系介绍信</h2>
        <p className="letter-no">{l.number}</p>
        <p className="letter-to">{l.toName}：</p>
        <p className="letter-body">
          兹介绍 <u>{names}</u> 等 <u>{l.count}</u> 位同志前来你处转接组织关系，请予以接洽。该同志团费交至 <u>{y}</u> 年 <u>{Number(m)}</u> 月。
        </p>
        <p className="letter-sign">
          {l.issuerFullName}
          <br />
          {issued.getFullYear()}年{issued.getMonth() + 1}月{issued.getDate()}日
        </p>
        <p className="letter-valid">（有效期限 {l.validDays} 天）</p>
      </article>
    </div>
  );
}
