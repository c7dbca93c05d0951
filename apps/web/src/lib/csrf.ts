// The CSRF token comes only in the sign-in response (GET /auth/me does not return it), so it is kept in
// sessionStorage: it survives a reload of the tab but not the tab itself, like the session it belongs to.
const KEY = 'egress.csrf';

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
