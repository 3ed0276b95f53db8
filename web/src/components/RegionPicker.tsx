import { useQuery } from '@tanstack/react-query';
import { Cascader } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Region } from '../api/types';

type Level = Region['level'];
const LEVELS: readonly Level[] = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'];
const depth = (level: Level) => LEVELS.indexOf(level);

interface Option {
  value: string;
  label: string;
  level: Level;
  isLeaf: boolean;
  disabled?: boolean;
  children?: Option[];
}

/** Levels above `minLevel` only open the next level; one without children could never lead to a value, so it is disabled. */
const toOption = (r: Region, minLevel: Level): Option => ({
  value: r.code,
  label: r.name,
  level: r.level,
  isLeaf: !r.hasChildren,
  ...(depth(r.level) < depth(minLevel) && !r.hasChildren ? { disabled: true } : {}),
});

async function childrenOf(minLevel: Level, parentCode?: string): Promise<Option[]> {
  const { items } = await api.get<{ items: Region[] }>('/api/regions', { query: { parentCode } });
  return items.map((r) => toOption(r, minLevel));
}

/** Puts `children` under the option with `code`, anywhere in the tree (returns a new tree). */
function attach(options: Option[], code: string, children: Option[]): Option[] {
  return options.map((o) => {
    if (o.value === code) return { ...o, children };
    if (o.children && code.startsWith(o.value)) return { ...o, children: attach(o.children, code, children) };
    return o;
  });
}

/**
 * 行政区划 picker (ORG-8): province → city → county → township, loaded level by level. Any level from
 * `minLevel` down can be chosen (all of them by default); the levels above it only open the next one.
 * The form value is the chosen code (string) or null.
 */
export function RegionPicker({
  value,
  onChange,
  minLevel = 'PROVINCE',
  placeholder = '选择省 / 市 / 县 / 乡镇街道',
  id,
}: {
  value?: string | null;
  onChange?: (code: string | null) => void;
  /** The coarsest level that can be the value, e.g. 'COUNTY' for a county or township code. */
  minLevel?: Level;
  placeholder?: string;
  id?: string;
}) {
  const [options, setOptions] = useState<Option[]>([]);
  const [path, setPath] = useState<string[]>([]);

  // Provinces first; for a value set from outside (an existing record), every level down to it.
  useEffect(() => {
    let cancelled = false;
    if (value && value === path[path.length - 1]) return;
    void (async () => {
      let opts = options.length > 0 ? options : await childrenOf(minLevel);
      let codes: string[] = [];
      if (value) {
        try {
          const { path: regions } = await api.get<{ path: Region[] }>(`/api/regions/${encodeURIComponent(value)}`);
          codes = regions.map((r) => r.code);
          for (const r of regions.slice(0, -1)) opts = attach(opts, r.code, await childrenOf(minLevel, r.code));
        } catch {
          codes = [];
        }
      }
      if (!cancelled) {
        setOptions(opts);
        setPath(codes);
      }
    })();
    return () => {
      cancelled = true;
    };
    // Reacts to the value only; options and path are this component's own state.
  }, [value]);

  const loadData = async (selected: Option[]) => {
    const target = selected[selected.length - 1];
    if (!target || target.children) return;
    const children = await childrenOf(minLevel, target.value);
    setOptions((prev) => attach(prev, target.value, children));
  };

  return (
    <Cascader<Option>
      id={id}
      options={options}
      loadData={loadData}
      changeOnSelect
      value={path}
      placeholder={placeholder}
      allowClear
      style={{ width: '100%' }}
      onChange={(codes, selected) => {
        const list = (codes ?? []) as string[];
        const last = (selected as Option[] | undefined)?.[list.length - 1];
        // A level above minLevel was clicked: it has opened its children, but is not a value.
        if (last && depth(last.level) < depth(minLevel)) return;
        setPath(list);
        onChange?.(list.length > 0 ? list[list.length - 1]! : null);
      }}
    />
  );
}

/** An existing region code shown by name: "浙江省 / 杭州市 / 西湖区 / 西溪街道". */
export function RegionName({ code }: { code: string }) {
  const path = useQuery({
    queryKey: ['region-path', code],
    queryFn: () => api.get<{ path: Region[] }>(`/api/regions/${encodeURIComponent(code)}`),
    staleTime: Infinity,
  });
  if (!path.data) return <>{code}</>;
  return <>{path.data.path.map((r) => r.name).join(' / ')}</>;
}
