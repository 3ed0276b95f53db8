import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Space, Typography } from 'antd';
import { useState } from 'react';

/**
 * The recovery codes, shown once (issue 7): copy, download, and an explicit "我已保存" before going on,
 * because the server keeps only their hashes and cannot show them again.
 */
export function RecoveryCodesView({ codes, onDone, doneLabel = '继续' }: { codes: string[]; onDone: () => void; doneLabel?: string }) {
  const { message } = App.useApp();
  const [saved, setSaved] = useState(false);
  const text = `智慧团建 管理员恢复码（每个只能使用一次）\n${codes.join('\n')}\n`;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      message.success('已复制恢复码');
    } catch {
      message.error('复制失败，请手动抄写或下载');
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = '智慧团建-恢复码.txt';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div>
      <Alert
        type="warning"
        showIcon
        title="请立即保存恢复码"
        description="手机丢失或无法使用身份验证器时，可用一个恢复码代替验证码登录。每个恢复码只能使用一次；离开本页后将无法再次查看。"
        style={{ marginBottom: 16 }}
      />
      <ol className="recovery-codes" aria-label="恢复码" style={{ columns: 2, fontFamily: 'monospace', fontSize: 16, paddingLeft: 24 }}>
        {codes.map((c) => (
          <li key={c}>
            <Typography.Text copyable={false}>{c}</Typography.Text>
          </li>
        ))}
      </ol>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button icon={<CopyOutlined />} onClick={() => void copy()}>
          复制
        </Button>
        <Button icon={<DownloadOutlined />} onClick={download}>
          下载
        </Button>
      </Space>
      <div style={{ marginBottom: 16 }}>
        <Checkbox checked={saved} onChange={(e) => setSaved(e.target.checked)}>
          我已保存恢复码
        </Checkbox>
      </div>
      <Button type="primary" block disabled={!saved} onClick={onDone}>
        {doneLabel}
      </Button>
    </div>
  );
}
