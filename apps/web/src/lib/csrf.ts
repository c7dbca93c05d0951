// The CSRF token comes only at sign-in (GET /auth/me does not return it), so it is kept in sessionStorage:
// it survives a reload of the tab but not the tab itself, like the session it belongs to. Password
// sign-in returns it in the JSON response; SSO sign-in ends in a redirect, so the API hands it over in a
// short-lived readable cookie that adoptHandedOffCsrfToken() moves here and deletes.
const KEY = 'egress.csrf';
const HANDOFF_COOKIE = 'egress_csrf';

export function readCsrfToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeCsrfToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // Storage can be unavailable (private mode quotas); mutations then fail with a clear 403.
  }
}

/** Takes the token an SSO sign-in handed over, if any; called before the signed-in user is loaded. */
export function adoptHandedOffCsrfToken(): void {
  const prefix = `${HANDOFF_COOKIE}=`;
  const cookie = document.cookie.split('; ').find((c) => c.startsWith(prefix));
  if (!cookie) return;
  storeCsrfToken(decodeURIComponent(cookie.slice(prefix.length)));
  document.cookie = `${HANDOFF_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict`;
}
