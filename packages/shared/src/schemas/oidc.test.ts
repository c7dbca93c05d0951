import { describe, expect, it } from 'vitest';

import { OIDC_ERROR_CODES, OIDC_ERROR_MESSAGES, safeReturnPath } from './oidc.ts';

describe('safeReturnPath', () => {
  it.each(['/', '/grants', '/grants?state=pending&service=a', '/services/123#rules', '/a/b.c/d'])(
    'keeps the console path %s',
    (path) => {
      expect(safeReturnPath(path)).toBe(path);
    },
  );

  it.each([
    undefined,
    '',
    'grants',
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '/\t/evil.example',
    '/ /x',
    '/a/../../evil',
    '/%2e%2e/x',
    '/sign-in',
    '/sign-in?error=x',
    '/api/v1/auth/oidc/login',
    '/api',
    `/${'a'.repeat(2048)}`,
  ])('turns %j into "/"', (target) => {
    expect(safeReturnPath(target)).toBe('/');
  });
});

it('has a message for every error code', () => {
  for (const code of OIDC_ERROR_CODES) expect(OIDC_ERROR_MESSAGES[code].length).toBeGreaterThan(10);
});
