// A small YAML emitter for JSON-shaped values (objects, arrays, strings, numbers, booleans, null).
// Kept instead of the `yaml` library because of a number: on the 24 MB a 1x compile writes, `yaml`
// took 3.8 times as long (4,256 ms against 1,123 ms of CPU; bench/libs, docs/decisions.md), and its
// output differs in quoting only. This one has one output form per value, so it is also trivially
// stable, and envoy.ts fills its template with yamlString, the exact form a value takes here.
// yaml.test.ts parses the output back with the `yaml` library (YAML 1.2 and 1.1 schemas) and checks
// every value survives.
import type { KubernetesObject } from './types.ts';

const INDENT = '  ';

// Strings a YAML 1.1 or 1.2 reader would resolve to something other than a string (kubectl's
// sigs.k8s.io/yaml and Envoy's yaml-cpp read YAML 1.1-style: "yes", "on", "y", "0777", "1:20" are not
// strings to them).
const NOT_A_STRING = [
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0[bBoOxX][0-9a-fA-F_]+$/,
  /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$/,
  /^[-+]?([0-9][0-9_]*)?(\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
];

// Plain (unquoted) only when no indicator can start it and nothing inside can end it: no spaces, no
// "#", no flow brackets, no quote characters, not ending in ":". A leading "-" is fine before a letter,
// digit or "-" (command-line flags such as "-c" and "--log-level").
const PLAIN = /^(-[A-Za-z0-9-]|[A-Za-z0-9_./(])[A-Za-z0-9_./:@%+=,()*-]*$/;

// Only these can match NOT_A_STRING: a number-like start ("1", ".5", "e0"), or a short word ("off").
const MAYBE_NOT_A_STRING = /^([-+.0-9]|[eE][-+0-9]|[A-Za-z~]{1,5}$)/;

function isPlain(s: string): boolean {
  if (!PLAIN.test(s) || s.endsWith(':')) return false;
  return !MAYBE_NOT_A_STRING.test(s) || !NOT_A_STRING.some((re) => re.test(s));
}

// Printable ASCII without quote characters or backslash: written single-quoted, which needs no escapes
// (and is what Prettier, configured with singleQuote, would write, so `prettier --write` leaves files be).
const SINGLE_QUOTABLE = /^[\x20-\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;

/**
 * Anything else is double-quoted: JSON escapes are valid YAML double-quoted escapes; YAML 1.1 also
 * breaks lines at U+0085, U+2028 and U+2029, so those are escaped too.
 */
function quoted(s: string): string {
  if (SINGLE_QUOTABLE.test(s)) return `'${s}'`;
  return JSON.stringify(s).replace(
    /[\u0085\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// A literal block keeps the text exactly; it needs printable characters, no leading space on the first
// line (that would need an indentation indicator) and no carriage returns.
const LITERAL_SAFE = new RegExp(
  // Control characters are the point of this pattern.
  // eslint-disable-next-line no-control-regex
  '^[^\\s\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff][^\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff]*$',
);

// Rendered strings, cached: keys and many values ("name", "socket_address", "%START_TIME%") repeat in
// every gateway. Bounded, so a long-lived server does not grow it without limit.
const rendered = new Map<string, string>();

function stringScalar(value: string): string {
  let text = rendered.get(value);
  if (text === undefined) {
    text = isPlain(value) ? value : quoted(value);
    if (rendered.size < 50_000) rendered.set(value, text);
  }
  return text;
}

/** A one-line string as a YAML scalar, exactly as the writers below put it after "key:" or "- ". */
export function yamlString(value: string): string {
  if (value.includes('\n')) throw new Error('yamlString is for one-line strings');
  return stringScalar(value);
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return stringScalar(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  throw new Error(`cannot write a ${typeof value} as YAML`);
}

function literal(s: string, pad: string): string {
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  const chomp = trailing === 1 ? '' : trailing === 0 ? '-' : '+';
  const lines = (trailing > 1 ? s.slice(0, -1) : body).split('\n');
  return `|${chomp}\n${lines.map((line) => (line === '' ? '' : pad + line)).join('\n')}\n`;
}

function isMultiline(value: unknown): value is string {
  return typeof value === 'string' && value.includes('\n') && LITERAL_SAFE.test(value);
}

// The writers below push pieces onto one array, joined once at the end: one flat string, not a rope
// of thousands of concatenations (which the content hash and the API client would have to flatten).

/** The text after "key:": " value\n", " |\n...", or "\n" followed by a nested block. */
function afterKey(value: unknown, pad: string, parts: string[]): void {
  if (isMultiline(value)) {
    parts.push(' ', literal(value, pad + INDENT));
  } else if (Array.isArray(value)) {
    if (value.length === 0) parts.push(' []\n');
    else sequence(value, pad + INDENT, `\n${pad}${INDENT}`, parts);
  } else if (value !== null && typeof value === 'object') {
    if (isEmpty(value)) parts.push(' {}\n');
    else mapping(value as Record<string, unknown>, pad + INDENT, `\n${pad}${INDENT}`, parts);
  } else {
    parts.push(' ', scalar(value), '\n');
  }
}

/** A mapping at `pad`; its first line starts with `first` instead (a sequence item's "- "). */
function mapping(record: Record<string, unknown>, pad: string, first: string, parts: string[]): void {
  let lead = first;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined) continue;
    parts.push(lead, scalar(key), ':');
    afterKey(value, pad, parts);
    lead = pad;
  }
}

/** A sequence at `pad`; its first line starts with `first` instead (when nested in another sequence). */
function sequence(items: readonly unknown[], pad: string, first: string, parts: string[]): void {
  let lead = first;
  for (const item of items) {
    const value = item === undefined ? null : item;
    if (value !== null && typeof value === 'object' && !isEmpty(value)) {
      // The item's block sits one level deeper, its first line right after the "- ".
      const inner = pad + INDENT;
      if (Array.isArray(value)) sequence(value, inner, `${lead}- `, parts);
      else mapping(value as Record<string, unknown>, inner, `${lead}- `, parts);
    } else {
      parts.push(lead, '-');
      afterKey(value, pad, parts);
    }
    lead = pad;
  }
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : !Object.values(value).some((v) => v !== undefined);
}

/** Pushes `value` as a YAML document (see yamlText). */
function writeDocument(value: unknown, parts: string[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) parts.push('[]\n');
    else sequence(value, '', '', parts);
  } else if (value !== null && typeof value === 'object') {
    if (isEmpty(value)) parts.push('{}\n');
    else mapping(value as Record<string, unknown>, '', '', parts);
  } else {
    parts.push(isMultiline(value) ? literal(value, INDENT) : `${scalar(value)}\n`);
  }
}

/**
 * A JSON-shaped value as block-style YAML: keys in the order they were built, two-space indentation,
 * multi-line strings as literal blocks, and every string that a YAML 1.1 or 1.2 reader could take for
 * something else quoted.
 */
export function yamlText(value: unknown): string {
  const parts: string[] = [];
  writeDocument(value, parts);
  return parts.join('');
}

/** One object as YAML (no document marker), e.g. for one file per object in the directory target. */
export function objectYaml(obj: KubernetesObject): string {
  return yamlText(obj);
}

/**
 * Objects as one multi-document YAML stream, each document opened by "---". Keys keep the order the
 * compiler built them in (fixed per kind; maps taken from input are sorted), so the output is stable.
 */
export function toYaml(objects: readonly KubernetesObject[]): string {
  const parts: string[] = [];
  for (const o of objects) {
    parts.push('---\n');
    writeDocument(o, parts);
  }
  return parts.join('');
}
