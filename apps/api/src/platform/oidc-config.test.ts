import { describe, expect, it } from 'vitest';

import { loadConfig } from '../config.ts';

const OIDC = {
  EGRESS_OIDC_ISSUER: 'https://sso.example.com/realms/corp',
  EGRESS_OIDC_CLIENT_ID: 'egress-control',
  EGRESS_OIDC_ROLE_MAP: 'egress-admins=admin,staff=viewer',
};

describe('OIDC configuration', () => {
  it('is off when none of its variables is set', () => {
    expect(loadConfig({}).oidc).toBeNull();
  });

  it('reads a full setup with defaults for the rest', () => {
    const oidc = loadConfig(OIDC).oidc;
    expect(oidc).toMatchObject({
      issuer: OIDC.EGRESS_OIDC_ISSUER,
      clientId: 'egress-control',
      clientSecret: undefined,
      scopes: 'openid email profile',
      roleClaim: 'groups',
      label: 'Sign in with SSO',
      allowHttp: false,
    });
    expect(oidc?.roleMap.get('egress-admins')).toBe('admin');
  });

  it('keeps the issuer exactly as given (a trailing slash is part of the identifier)', () => {
    expect(loadConfig({ ...OIDC, EGRESS_OIDC_ISSUER: 'https://tenant.example.com/' }).oidc?.issuer).toBe(
      'https://tenant.example.com/',
    );
  });

  it('refuses a half setup, naming what is missing', () => {
    expect(() => loadConfig({ EGRESS_OIDC_ISSUER: OIDC.EGRESS_OIDC_ISSUER })).toThrow(
      'OIDC sign-in also needs EGRESS_OIDC_CLIENT_ID, EGRESS_OIDC_ROLE_MAP',
    );
    expect(() => loadConfig({ EGRESS_OIDC_CLIENT_SECRET: 's3cret' })).toThrow(
      'also needs EGRESS_OIDC_ISSUER, EGRESS_OIDC_CLIENT_ID, EGRESS_OIDC_ROLE_MAP',
    );
  });

  it('refuses a bad role map, an http issuer unless allowed, and scopes without openid', () => {
    expect(() => loadConfig({ ...OIDC, EGRESS_OIDC_ROLE_MAP: 'ops=root' })).toThrow(
      'EGRESS_OIDC_ROLE_MAP: entry "ops=root": unknown role "root"',
    );
    expect(() => loadConfig({ ...OIDC, EGRESS_OIDC_ISSUER: 'http://127.0.0.1:9000' })).toThrow(
      'EGRESS_OIDC_ISSUER: must be an https URL',
    );
    expect(
      loadConfig({ ...OIDC, EGRESS_OIDC_ISSUER: 'http://127.0.0.1:9000', EGRESS_OIDC_ALLOW_HTTP: 'true' })
        .oidc?.allowHttp,
    ).toBe(true);
    expect(() => loadConfig({ ...OIDC, EGRESS_OIDC_SCOPES: 'email profile' })).toThrow(
      'EGRESS_OIDC_SCOPES: must include "openid"',
    );
    expect(() => loadConfig({ ...OIDC, EGRESS_OIDC_ISSUER: 'not a url' })).toThrow('EGRESS_OIDC_ISSUER');
  });
});
