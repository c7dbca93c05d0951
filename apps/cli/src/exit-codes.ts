/** Exit codes a pipeline can act on; also listed in `egressctl --help` and docs/egressctl.md. */
export const EXIT = {
  ok: 0,
  /** The API refused or failed (4xx other than the ones below, 5xx), or a local file could not be read. */
  failed: 1,
  /** Bad command line or bad input file (nothing was sent). */
  usage: 2,
  /** rules sync: some rules name destinations that are not registered yet (ask security to add them). */
  unknownDestinations: 3,
  /** No token, or the token was refused (401) or lacks the role (403). */
  auth: 4,
  /** status: some grants are still pending (useful to gate a deploy on approval). */
  pending: 5,
  /** audit verify: the export does not match the signed checkpoints (changed, deleted or missing rows). */
  tampered: 6,
  /**
   * explain: the question could not be answered (bad usage, unknown service, the API failed). explain
   * gives 0, 1 and 2 their own meanings (allowed, denied, open), so its failures move here.
   */
  explainFailed: 7,
} as const;

/** explain's answers, so a deploy pipeline can gate on them (errors: EXIT.auth, EXIT.explainFailed). */
export const EXPLAIN_EXIT = { allowed: 0, denied: 1, open: 2 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}
