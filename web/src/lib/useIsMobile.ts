import { Grid } from 'antd';

/** Below antd's `md` breakpoint (768 px) the layout switches to its phone form. */
export function useIsMobile(): boolean {
  const screens = Grid.useBreakpoint();
  // Before the first measurement all breakpoints are undefined: assume a desktop.
  if (screens.md === undefined) return false;
  return !screens.md;
}
