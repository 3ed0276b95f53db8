import { Alert } from 'antd';

/** The server's message above a form, with any details that belong to no field of it. */
export function FormErrors({ message, details }: { message: string | null; details?: string[] }) {
  if (!message) return null;
  const extra = (details ?? []).filter((d) => d !== message);
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={message}
      description={extra.length > 0 ? <ul style={{ margin: 0, paddingLeft: 20 }}>{extra.map((d) => <li key={d}>{d}</li>)}</ul> : undefined}
    />
  );
}
