import { Modal, type ModalProps } from 'antd';
import { useIsMobile } from '../lib/useIsMobile';

/** A modal that fills the screen on a phone instead of floating 16 px from each edge. */
export function ResponsiveModal({ width = 720, style, ...props }: ModalProps) {
  const mobile = useIsMobile();
  return (
    <Modal
      {...props}
      width={mobile ? '100vw' : width}
      style={mobile ? { top: 0, margin: 0, maxWidth: '100vw', paddingBottom: 0, ...style } : style}
      styles={mobile ? { container: { borderRadius: 0, minHeight: '100dvh' } } : undefined}
      mask={{ closable: false }}
      destroyOnHidden
    />
  );
}
