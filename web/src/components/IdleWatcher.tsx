import { App, Button } from 'antd';
import { useEffect, useRef } from 'react';
import { api, lastApiActivity } from '../api/client';

const WARN_BEFORE_MS = 2 * 60_000;

/**
 * The server ends a session after `minutes` without requests. Warn shortly before, and when the time
 * is up ask the server: its 401 sends the user to the login page with "登录已超时".
 */
export function IdleWatcher({ minutes }: { minutes: number }) {
  const { notification } = App.useApp();
  const warned = useRef(false);

  useEffect(() => {
    const limit = minutes * 60_000;
    const timer = setInterval(() => {
      const idle = Date.now() - lastApiActivity();
      if (idle > limit + 5_000) {
        notification.destroy('idle');
        void api.get('/api/auth/session').catch(() => undefined);
      } else if (idle > limit - WARN_BEFORE_MS && !warned.current) {
        warned.current = true;
        notification.warning({
          key: 'idle',
          title: '即将超时退出',
          description: '您已较长时间未操作，约2分钟后将自动退出登录。',
          duration: 0,
          actions: (
            <Button
              type="primary"
              size="small"
              onClick={() => {
                notification.destroy('idle');
                void api.get('/api/auth/session').catch(() => undefined);
              }}
            >
              继续使用
            </Button>
          ),
        });
      } else if (idle < limit - WARN_BEFORE_MS && warned.current) {
        warned.current = false;
        notification.destroy('idle');
      }
    }, 15_000);
    return () => clearInterval(timer);
  }, [minutes, notification]);

  return null;
}
