import type { Gender } from './enums';

/**
 * MEM-2: a resident ID number (GB 11643-1999). 18 characters: a 6-digit region code, an 8-digit
 * birth date, a 3-digit sequence (odd for men) and an ISO 7064 MOD 11-2 check character.
 */

/** Province-level codes of GB/T 2260 (the first two digits). */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '11': '北京市', '12': '天津市', '13': '河北省', '14': '山西省', '15': '内蒙古自治区',
  '21': '辽宁省', '22': '吉林省', '23': '黑龙江省',
  '31': '上海市', '32': '江苏省', '33': '浙江省', '34': '安徽省', '35': '福建省', '36': '江西省', '37': '山东省',
  '41': '河南省', '42': '湖北省', '43': '湖南省', '44': '广东省', '45': '广西壮族自治区', '46': '海南省',
  '50': '重庆市', '51': '四川省', '52': '贵州省', '53': '云南省', '54': '西藏自治区',
  '61': '陕西省', '62': '甘肃省', '63': '青海省', '64': '宁夏回族自治区', '65': '新疆维吾尔自治区',
  '71': '台湾省', '81': '香港特别行政区', '82': '澳门特别行政区',
};

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type IdNumberIssueCode = 'MEM_2_LENGTH' | 'MEM_2_FORMAT' | 'MEM_2_REGION' | 'MEM_2_BIRTH_DATE' | 'MEM_2_CHECK_DIGIT';

export type IdNumberResult =
  | { ok: true; value: string; birthDate: string; gender: Gender; provinceCode: string }
  | { ok: false; code: IdNumberIssueCode; message: string };

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Upper-cases a trailing x and trims surrounding spaces; does not validate. */
export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Validates an ID number and says exactly what is wrong. `today` (YYYY-MM-DD) bounds the birth date.
 * A lower-case x is accepted and normalised, since people type it that way.
 */
export function validateIdNumber(raw: string, today?: string): IdNumberResult {
  const value = normalizeIdNumber(raw);
  if (value.length !== 18) {
    const hint = value.length === 15 ? '（这是15位旧号码，请填写18位居民身份证号码）' : '';
    return { ok: false, code: 'MEM_2_LENGTH', message: `身份证号码应为18位，实际为${value.length}位${hint}` };
  }
  if (!/^\d{17}[\dX]$/.test(value)) {
    return { ok: false, code: 'MEM_2_FORMAT', message: '身份证号码前17位必须是数字，第18位是数字或X' };
  }
  const provinceCode = value.slice(0, 2);
  if (!PROVINCE_CODES[provinceCode]) {
    return { ok: false, code: 'MEM_2_REGION', message: `身份证号码前两位“${provinceCode}”不是有效的省级行政区划代码` };
  }
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (y < 1900) {
    return { ok: false, code: 'MEM_2_BIRTH_DATE', message: `身份证号码中的出生年份${y}早于1900年` };
  }
  if (!isRealDate(y, m, d)) {
    return { ok: false, code: 'MEM_2_BIRTH_DATE', message: `身份证号码第7至14位的出生日期“${value.slice(6, 14)}”不是真实存在的日期` };
  }
  if (today && birthDate > today) {
    return { ok: false, code: 'MEM_2_BIRTH_DATE', message: `身份证号码中的出生日期${birthDate}晚于今天` };
  }
  const expected = idCheckChar(value.slice(0, 17));
  if (value[17] !== expected) {
    return { ok: false, code: 'MEM_2_CHECK_DIGIT', message: `身份证号码校验位错误：第18位应为“${expected}”，实际为“${value[17]}”` };
  }
  const gender: Gender = Number(value[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
  return { ok: true, value, birthDate, gender, provinceCode };
}

/** Builds a valid ID number from its parts; used by seeds, generators and tests. */
export function makeIdNumber(region6: string, birthYyyymmdd: string, sequence3: string): string {
  const first17 = `${region6}${birthYyyymmdd}${sequence3}`;
  return first17 + idCheckChar(first17);
}
