// Authorization-code flows in progress (table oidc_logins). A row is found by the SHA-256 of `state`,
// belongs to the browser whose binding cookie hashes to binding_hash (so a callback URL planted in
// another browser does not sign that browser in: login CSRF), lives FLOW_TTL_MS and is used once.
import type { Clock } from '../../platform/clock.ts';
import { sameHash, sha256 } from '../../platform/secrets.ts';
import type { AuthRepository } from './auth.repository.ts';
import type { FlowSecrets } from './oidc-client.ts';

export const FLOW_TTL_MS = 10 * 60_000;

export type ConsumeResult =
  | { ok: true; secrets: FlowSecrets; returnTo: string }
  | { ok: false; reason: 'unknown_state' | 'expired_state' | 'binding_mismatch' | 'replayed_state' };

export function createOidcLogins({ repo, clock }: { repo: AuthRepository; clock: Clock }) {
  async function save(secrets: FlowSecrets, binding: string, returnTo: string): Promise<void> {
    const now = clock.now();
    // Abandoned flows go as new ones start; the table holds minutes of rows at most.
    await repo.deleteExpiredLogins(now);
    await repo.insertLogin({
      stateHash: sha256(secrets.state),
      bindingHash: sha256(binding),
      codeVerifier: secrets.codeVerifier,
      nonce: secrets.nonce,
      returnTo,
      createdAt: now,
      expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
    });
  }

  /**
   * The flow for this state, if this browser started it and it is still open; it is deleted here, so a
   * replayed callback finds nothing. A callback from the wrong browser leaves the row for the right one.
   */
  async function consume(state: string | undefined, binding: string | undefined): Promise<ConsumeResult> {
    if (!state) return { ok: false, reason: 'unknown_state' };
    const stateHash = sha256(state);
    const row = await repo.findLogin(stateHash);
    if (!row) return { ok: false, reason: 'unknown_state' };
    if (row.expiresAt <= clock.now()) {
      await repo.deleteLogin(stateHash);
      return { ok: false, reason: 'expired_state' };
    }
    if (!binding || !sameHash(sha256(binding), row.bindingHash))
      return { ok: false, reason: 'binding_mismatch' };
    // Two callbacks racing with the same state: only the one whose delete counts a row goes on.
    if (!(await repo.deleteLogin(stateHash))) return { ok: false, reason: 'replayed_state' };
    return {
      ok: true,
      secrets: { state, nonce: row.nonce, codeVerifier: row.codeVerifier },
      returnTo: row.returnTo ?? '/',
    };
  }

  return { save, consume };
}
