/**
 * SEC-1 data scope over the org tree's materialized path.
 *
 * Every org row carries `path` = the ids from the root down to itself, each followed by '/':
 * '/1/', '/1/23/', '/1/23/456/'. Member rows carry the path of their current branch. A subtree is
 * then a contiguous key range under the "C" collation, answered by one btree range scan:
 * every descendant path starts with the ancestor's path, and since '/' (0x2F) sorts just before
 * '0' (0x30), all of them are < the path with its trailing '/' replaced by '0'.
 * '/1/2/' covers '/1/2/' and '/1/2/7/' but not '/1/23/' (which is ≥ '/1/20').
 */

export function rootPath(id: number): string {
  return `/${id}/`;
}

export function childPath(parentPath: string, id: number): string {
  assertPath(parentPath);
  return `${parentPath}${id}/`;
}

/** Half-open key range [lo, hi) of every path in the subtree rooted at `path` (itself included). */
export function subtreeRange(path: string): { lo: string; hi: string } {
  assertPath(path);
  return { lo: path, hi: `${path.slice(0, -1)}0` };
}

/** Is `path` the scope org itself or below it? */
export function isWithin(path: string, scopePath: string): boolean {
  return path.startsWith(scopePath);
}

/** Ids along a path, root first. */
export function pathIds(path: string): number[] {
  assertPath(path);
  return path.slice(1, -1).split('/').map(Number);
}

export function depthOf(path: string): number {
  return pathIds(path).length - 1;
}

/** Id of the parent encoded in a path, or null for a root. */
export function parentIdOf(path: string): number | null {
  const ids = pathIds(path);
  return ids.length > 1 ? ids[ids.length - 2]! : null;
}

function assertPath(path: string): void {
  if (!/^\/(\d+\/)+$/.test(path)) throw new Error(`not an org path: ${path}`);
}
