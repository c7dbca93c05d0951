// The settings form edits every leaf as text (lists one item per line) under a "/"-separated path, and
// converts back to typed values for validation with the shared SettingsSchema's own field schemas.
import { type Settings, SettingsSchema } from '@egress/shared';
import { z } from 'zod';

import { SETTING_GROUP_TEXT, SETTING_TEXT, settingError } from '../settings-labels.ts';

export type Leaf = 'text' | 'number' | 'list' | 'choice';
export interface LeafSpec {
  path: string;
  label: string;
  kind: Leaf;
  description: string | undefined;
  /** For a choice: the values and what to call them. */
  options?: { value: string; label: string }[];
}
export interface SectionSpec {
  key: keyof Settings;
  /** What the form calls the setting (settings-labels.ts; its key only when it has no entry there). */
  title: string;
  description: string | undefined;
  leaves: LeafSpec[];
}

/** Names of the values of a setting chosen from a list. */
const CHOICES: Partial<Record<keyof Settings, Record<string, string>>> = {
  enforcementMode: { listed: 'Only the listed namespaces', all: 'Every namespace except those left open' },
  newDestinationMode: {
    enforce: 'Enforce: only granted services',
    observe: 'Observe: every pod, use without a grant recorded',
  },
};

type Shape = Record<string, z.ZodType>;

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

function shapeOf(schema: z.ZodType): Shape | null {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? inner.shape : null;
}

/** The label and one-line help of a leaf: settings-labels.ts, else the key and the schema's description. */
function textOf(path: string, schema: z.ZodType | undefined) {
  const text = SETTING_TEXT[path];
  return {
    label: text?.label ?? path.split('/').join(' '),
    description: text?.help ?? (schema ? unwrap(schema).description : undefined),
  };
}

function leavesOf(value: unknown, schema: z.ZodType | undefined, path: string): LeafSpec[] {
  const shape = schema ? shapeOf(schema) : null;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      leavesOf(v, shape?.[k], `${path}/${k}`),
    );
  }
  const kind: Leaf = Array.isArray(value) ? 'list' : typeof value === 'number' ? 'number' : 'text';
  return [{ path, kind, ...textOf(path, schema) }];
}

export function describeSettings(settings: Settings): SectionSpec[] {
  const shape = SettingsSchema.shape as unknown as Shape;
  return (Object.keys(settings) as (keyof Settings)[])
    .filter((key) => key in shape)
    .map((key) => {
      const schema = shape[key];
      const value: unknown = settings[key];
      const nested = typeof value === 'object' && !Array.isArray(value);
      const inner = schema ? unwrap(schema) : undefined;
      const group = SETTING_GROUP_TEXT[key];
      const leaves =
        inner instanceof z.ZodEnum
          ? [choiceLeaf(key, inner.options.map(String), schema)]
          : leavesOf(value, nested ? schema : inner, key);
      const title = group?.label ?? leaves[0]?.label ?? key;
      return { key, title, description: group?.help, leaves };
    });
}

function choiceLeaf(key: keyof Settings, values: string[], schema: z.ZodType | undefined): LeafSpec {
  const names = CHOICES[key] ?? {};
  return {
    path: key,
    kind: 'choice',
    ...textOf(key, schema),
    options: values.map((v) => ({ value: v, label: names[v] ?? v })),
  };
}

export function toText(settings: Settings, sections: SectionSpec[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const leaf of sections.flatMap((s) => s.leaves)) {
    const value = leaf.path
      .split('/')
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], settings);
    out[leaf.path] = Array.isArray(value)
      ? value.join('\n')
      : typeof value === 'number' || typeof value === 'string'
        ? String(value)
        : '';
  }
  return out;
}

function typed(kind: Leaf, text: string): unknown {
  if (kind === 'list')
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  if (kind === 'number') return text.trim() === '' ? Number.NaN : Number(text);
  return text;
}

/** The typed value of one top-level setting, rebuilt from its leaves. */
export function sectionValue(section: SectionSpec, text: Record<string, string>): unknown {
  if (section.leaves.length === 1 && section.leaves[0]?.path === section.key)
    return typed(section.leaves[0].kind, text[section.key] ?? '');
  const root: Record<string, unknown> = {};
  for (const leaf of section.leaves) {
    const keys = leaf.path.split('/').slice(1);
    let node = root;
    keys.slice(0, -1).forEach((k) => (node = (node[k] ??= {}) as Record<string, unknown>));
    node[keys[keys.length - 1] ?? ''] = typed(leaf.kind, text[leaf.path] ?? '');
  }
  return root;
}

/** "body.gatewayResources.limits.cpu" or an issue path -> the form path of the nearest leaf or section. */
export function leafPathFor(parts: readonly PropertyKey[], sections: SectionSpec[]): string {
  const names = parts.filter((p) => typeof p === 'string');
  const leaves = sections.flatMap((s) => s.leaves.map((l) => l.path));
  for (let n = names.length; n > 0; n--) {
    const candidate = names.slice(0, n).join('/');
    if (leaves.includes(candidate)) return candidate;
  }
  const section = sections.find((s) => s.key === names[0]);
  return section?.leaves[0]?.path ?? names[0] ?? '';
}

/** The 1-based line of a list item an issue is about ("podCidrs.1" → 2), if it is about one. */
export function lineOf(parts: readonly PropertyKey[]): number | undefined {
  const index = parts.find((p) => typeof p === 'number');
  return index === undefined ? undefined : index + 1;
}

/** A field error the server returned ("body.podCidrs.1") as the form's path and plain sentence. */
export function serverError(field: string, message: string, sections: SectionSpec[]): [string, string] {
  const parts = field
    .replace(/^body\.?/, '')
    .split(/[.[\]]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const path = leafPathFor(parts, sections);
  return [path, settingError(path, message, lineOf(parts))];
}

/** Validates the changed sections with the shared field schemas; returns the patch or errors by path. */
export function buildPatch(
  sections: SectionSpec[],
  text: Record<string, string>,
  initial: Record<string, string>,
) {
  const shape = SettingsSchema.shape as unknown as Shape;
  const patch: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const section of sections) {
    if (!section.leaves.some((l) => text[l.path] !== initial[l.path])) continue;
    const schema = shape[section.key];
    const result = schema
      ? unwrap(schema).safeParse(sectionValue(section, text))
      : { success: false as const, error: null };
    if (result.success) patch[section.key] = result.data;
    else
      for (const issue of result.error?.issues ?? []) {
        const path = leafPathFor([section.key, ...issue.path], sections);
        errors[path] ??= settingError(path, issue.message, lineOf(issue.path));
      }
  }
  return { patch, errors };
}
