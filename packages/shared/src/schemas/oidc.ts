// OIDC sign-in: what the sign-in page learns about the configured providers, the reasons an SSO sign-in
// can be refused (the API redirects to /sign-in?error=<code>; the page shows the message), and the rule
// for where the console may return after sign-in.
import { z } from 'zod';

export const OidcProviderInfoSchema = z.object({
  /** True whenever OIDC is configured, even while the provider is unreachable (sign-in then reports it). */
  enabled: z.boolean(),
  /** Text of the sign-in button. */
  label: z.string(),
  /** Same-origin path that starts the flow; append `?returnTo=/path`. */
  loginUrl: z.string(),
});
export type OidcProviderInfo = z.infer<typeof OidcProviderInfoSchema>;

export const AuthProvidersSchema = z
  .object({ password: z.literal(true), oidc: OidcProviderInfoSchema.nullable() })
  .meta({ id: 'AuthProviders' });
export type AuthProviders = z.infer<typeof AuthProvidersSchema>;

export const OidcLoginQuerySchema = z.object({
  // Any string is accepted: one that is not a safe same-origin path becomes "/", it is never an error.
  returnTo: z.string().optional(),
});

/**
 * The callback receives whatever the provider appends (code, state, iss, session_state, error, ...): it
 * is validated by the OIDC client library against the stored flow, not here.
 */
export const OidcCallbackQuerySchema = z.record(z.string(), z.unknown());

export const OIDC_ERROR_CODES = [
  'sso_not_configured',
  'sso_unavailable',
  'sso_denied',
  'sso_failed',
  'sso_invalid_state',
  'sso_no_email',
  'sso_no_role',
  'sso_account_conflict',
  'sso_disabled',
] as const;
export const OidcErrorCodeSchema = z.enum(OIDC_ERROR_CODES);
export type OidcErrorCode = z.infer<typeof OidcErrorCodeSchema>;

// Only codes travel in the URL, never text: a crafted /sign-in?error=… link cannot put words on the page.
export const OIDC_ERROR_MESSAGES: Record<OidcErrorCode, string> = {
  sso_not_configured:
    'Single sign-on is not configured on this server. Sign in with your email and password.',
  sso_unavailable: 'The identity provider could not be reached. Try again in a moment.',
  sso_denied: 'Sign-in was cancelled at the identity provider.',
  sso_failed:
    'The identity provider’s answer could not be verified. Try again; if it keeps failing, tell an administrator.',
  sso_invalid_state:
    'This sign-in attempt has expired, was already used, or was started in another browser. Start again.',
  sso_no_email:
    'The identity provider did not share an email address for your account, so no account can be set up.',
  sso_no_role:
    'Your account is not in any group that grants access to Egress Control. Ask an administrator to add you.',
  sso_account_conflict:
    'A local account already uses this email address, so single sign-on cannot be linked to it automatically. Sign in with your password, or ask an administrator.',
  sso_disabled: 'This account is disabled.',
};

const MAX_RETURN_PATH = 2048;
// Visible ASCII only: a browser strips tabs and newlines from URLs, which could turn "/\t/evil" into "//evil".
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const DOT_SEGMENTS = new Set(['.', '..', '%2e', '%2e%2e', '.%2e', '%2e.']);

/**
 * Where to go after sign-in: a same-origin path of the console, else "/". Refused: absolute and
 * protocol-relative URLs ("//host", "/\host"), backslashes, control characters and spaces, dot segments,
 * the sign-in page itself (a loop) and API paths.
 */
export function safeReturnPath(target: string | null | undefined): string {
  if (!target || target.length > MAX_RETURN_PATH || !VISIBLE_ASCII.test(target)) return '/';
  if (!target.startsWith('/') || target.startsWith('//') || target.includes('\\')) return '/';
  const path = target.split(/[?#]/, 1)[0] ?? '';
  return isConsolePath(path) ? target : '/';
}

function isConsolePath(path: string): boolean {
  if (path.split('/').some((segment) => DOT_SEGMENTS.has(segment.toLowerCase()))) return false;
  return !['/sign-in', '/api'].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}
