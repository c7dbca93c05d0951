import { ERROR_STATUS, type ErrorCode, type ErrorDetail, ErrorEnvelopeSchema } from '@egress/shared';

/** The one error type services throw; the error handler turns it into the error envelope of docs/api.md. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const conflict = (message: string, code: ErrorCode = 'conflict') => new AppError(code, message);
export const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field} ${message}`, [{ field, message }]);

/**
 * The error responses a route declares, all with the one envelope: `errorResponses(400, 401, 404)` for
 * `response: { 200: X, ...errorResponses(400, 401, 404) }` (the OpenAPI document lists each status).
 */
export function errorResponses<const S extends readonly number[]>(
  ...statuses: S
): Record<S[number], typeof ErrorEnvelopeSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorEnvelopeSchema])) as Record<
    S[number],
    typeof ErrorEnvelopeSchema
  >;
}
