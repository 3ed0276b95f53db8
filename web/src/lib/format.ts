import dayjs from 'dayjs';

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '';
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD') : '';
}

export function todayString(): string {
  return dayjs().format('YYYY-MM-DD');
}

/** Options for a Select from a label record (enum value → Chinese label). */
export function optionsOf<K extends string>(labels: Record<K, string>, only?: readonly K[]): { value: K; label: string }[] {
  const keys = only ?? (Object.keys(labels) as K[]);
  return keys.map((value) => ({ value, label: labels[value] }));
}

/** Options from a plain list whose values are their own labels (民族, 学历, 职业). */
export function listOptions(values: readonly string[]): { value: string; label: string }[] {
  return values.map((v) => ({ value: v, label: v }));
}

/** ORG-3 是/否/空. */
export function townshipLabel(v: boolean | null): string {
  return v === null ? '空' : v ? '是' : '否';
}
