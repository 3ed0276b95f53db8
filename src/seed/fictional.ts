import { makeIdNumber } from '../domain/id-number';

/** A small deterministic PRNG (mulberry32): the same seed gives the same demo data everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

export function intBetween(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const STEMS = '甲乙丙丁戊己庚辛壬癸';
const BRANCHES = '子丑寅卯辰巳午未申酉戌亥';

/**
 * Clearly fictional names: a common surname followed by a heavenly stem and an earthly branch
 * ("王甲子", "李乙丑"), the way Chinese examples say "张三". 116 × 10 × 12 combinations.
 */
export function fictionalName(n: number): string {
  const s = SURNAMES[n % SURNAMES.length]!;
  const k = Math.floor(n / SURNAMES.length);
  return `${s}${STEMS[k % 10]}${BRANCHES[Math.floor(k / 10) % 12]}`;
}

/**
 * Fictional ID numbers: province 33 (so MEM-2 accepts them) with county codes 3399xx, which no real
 * county has, so no demo number can belong to a real person. Valid check digits.
 */
export function fictionalIdNumber(n: number, birth: string): string {
  const county = `3399${String(10 + (Math.floor(n / 1000) % 90)).padStart(2, '0')}`;
  const seq = String(n % 1000).padStart(3, '0');
  return makeIdNumber(county, birth.replaceAll('-', ''), seq);
}

/** Fictional mobile numbers from the 199-9 block, one per person. */
export function fictionalPhone(n: number): string {
  return `1999${String(n).padStart(7, '0')}`;
}

export function birthDate(r: () => number, year: number): string {
  const month = intBetween(r, 1, 12);
  const day = intBetween(r, 1, 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
