import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

import { richInput } from '../test/scenarios.ts';
import { compile, toYaml } from './index.ts';
import { yamlText } from './yaml.ts';

/** Reads YAML back the way YAML 1.2 readers and YAML 1.1 readers (kubectl, Envoy) do. */
function readBoth(text: string): [unknown, unknown] {
  return [parse(text, { version: '1.2' }), parse(text, { version: '1.1' })];
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('yamlText', () => {
  it('writes strings that look like other types so both YAML 1.1 and 1.2 read them back as strings', () => {
    const tricky = [
      'yes',
      'no',
      'on',
      'off',
      'y',
      'N',
      'true',
      'False',
      'null',
      '~',
      '',
      ' ',
      '443',
      '-1',
      '+1',
      '0777',
      '0o17',
      '0x1F',
      '1_000',
      '1e3',
      '1.5',
      '.5',
      '.inf',
      '-.Inf',
      '.nan',
      '1:20',
      '2001-01-01',
      '2001-1-1 10:00',
      ':path',
      '@type',
      '%START_TIME%',
      '*',
      '-',
      '--',
      '-c',
      '--log-level',
      '- x',
      '? x',
      'a: b',
      'a #b',
      'a:',
      '#x',
      '[x]',
      '{x}',
      '"q"',
      "'q'",
      '!tag',
      '&a',
      '|',
      '>',
      'trailing ',
      ' leading',
      'tab\there',
      'line\nbreak',
      'two\n\n',
      'no newline\nat end',
      '\nleading newline',
      'crlf\r\n',
      'é€😀',
      '\u2028',
      'nul\u0000',
      '0.0.0.0/0',
      '::/0',
      '::1/128',
      '10.0.0.0/8',
      '100m',
      '64Mi',
      '5s',
      'v1.36.13',
      'a,b',
      '<<',
      '=',
    ];
    const value = {
      list: tricky,
      map: Object.fromEntries(tricky.filter((t) => t !== '').map((t) => [t, t])),
    };
    for (const read of readBoth(yamlText(value))) expect(read).toEqual(value);
  });

  it('round-trips any JSON value under both YAML 1.1 and 1.2', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const expected = json(value);
        for (const read of readBoth(yamlText(value))) expect(read).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any short string under both YAML 1.1 and 1.2', () => {
    const chars = fc.constantFrom(...'aeEnoy019._-+:#@%*&!|>?,[]{}"\' \t\n~=<'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), (text) => {
        for (const read of readBoth(yamlText({ text, list: [text] })))
          expect(read).toEqual({ text, list: [text] });
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips the compiler output, document by document', () => {
    const objects = compile(richInput());
    const docs = parseAllDocuments(toYaml(objects), { version: '1.1' });
    expect(docs.map((d) => d.toJS() as unknown)).toEqual(json(objects));
  });

  it('writes the Envoy config as a literal block inside its ConfigMap', () => {
    expect(toYaml(compile(richInput()))).toContain('  envoy.yaml: |\n    admin:\n');
  });
});
