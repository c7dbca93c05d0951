// The relying-party side of OIDC, over openid-client: discovery (lazy, retried on the next use after a
// failure, so the API starts and stays up while the provider is down), the authorization URL with PKCE
// S256 + state + nonce, and the checked code exchange. No token is kept: only the claims leave here.
import type { FastifyBaseLogger } from 'fastify';
import * as client from 'openid-client';

import type { OidcConfig } from '../../platform/oidc-config.ts';
import { claimAt } from './oidc-roles.ts';

// Seconds for each request to the provider; a person is waiting on the other end.
const PROVIDER_TIMEOUT_S = 10;

export interface FlowSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Why talking to the provider failed, in the terms the sign-in page explains. */
export class OidcProviderError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'denied' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'OidcProviderError';
  }
}

function classify(error: unknown): OidcProviderError {
  if (error instanceof OidcProviderError) return error;
  if (error instanceof client.AuthorizationResponseError) {
    const kind = error.error === 'access_denied' ? 'denied' : 'failed';
    return new OidcProviderError(
      kind,
      `the provider answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
    );
  }
  // Protocol and validation failures (bad signature, wrong nonce or issuer, token endpoint errors).
  if (error instanceof client.ResponseBodyError || error instanceof client.ClientError) {
    return new OidcProviderError('failed', error.message);
  }
  // Anything else is the network: refused, reset, timed out.
  return new OidcProviderError('unavailable', error instanceof Error ? error.message : String(error));
}

export function createOidcClient({
  oidc,
  redirectUri,
  log,
}: {
  oidc: OidcConfig;
  redirectUri: string;
  log: FastifyBaseLogger;
}) {
  let discovered: Promise<client.Configuration> | null = null;

  async function discover(): Promise<client.Configuration> {
    const auth =
      oidc.clientSecret === undefined ? client.None() : client.ClientSecretBasic(oidc.clientSecret);
    // Deprecated by the library only to flag it: it is what EGRESS_OIDC_ALLOW_HTTP asks for, and only that.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const execute = oidc.allowHttp ? [client.allowInsecureRequests] : [];
    return client.discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret, auth, {
      execute,
      timeout: PROVIDER_TIMEOUT_S,
    });
  }

  /** The discovered configuration; a failure is not cached, so the next sign-in tries again. */
  function configuration(): Promise<client.Configuration> {
    if (!discovered) {
      discovered = discover().catch((error: unknown) => {
        discovered = null;
        log.warn(
          { err: error, issuer: oidc.issuer },
          'OIDC discovery failed; will retry on the next sign-in',
        );
        throw classify(error);
      });
    }
    return discovered;
  }

  /** The provider URL to send the browser to, and the secrets the callback must be checked against. */
  async function authorizationUrl(): Promise<{ url: URL; secrets: FlowSecrets }> {
    const config = await configuration();
    const secrets: FlowSecrets = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: oidc.scopes,
      state: secrets.state,
      nonce: secrets.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, secrets };
  }

  /**
   * Exchanges the code (checking state, nonce, issuer, signature and PKCE) and returns the claims: the
   * ID token's, completed from the userinfo endpoint when it lacks the role claim or the email (many
   * providers put only `sub` in the ID token of a code flow).
   */
  async function exchange(callbackQuery: string, secrets: FlowSecrets): Promise<Record<string, unknown>> {
    try {
      const config = await configuration();
      const currentUrl = new URL(`${redirectUri}?${callbackQuery}`);
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: secrets.codeVerifier,
        expectedState: secrets.state,
        expectedNonce: secrets.nonce,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new OidcProviderError('failed', 'the provider returned no ID token');
      const complete = claimAt(idClaims, oidc.roleClaim) !== undefined && typeof idClaims.email === 'string';
      if (complete || !config.serverMetadata().userinfo_endpoint) return { ...idClaims };
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      // The ID token wins where both speak; userinfo only fills in.
      return { ...userinfo, ...idClaims };
    } catch (error) {
      throw classify(error);
    }
  }

  return { authorizationUrl, exchange };
}

export type OidcClient = ReturnType<typeof createOidcClient>;
