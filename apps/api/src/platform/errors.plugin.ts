// One error handler: every failure leaves as the error envelope of docs/api.md with the request id. Database and
// library texts never pass through; they are logged with the request id instead.
import type { ErrorDetail, ErrorEnvelope } from '@egress/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

import { isDatabaseUnavailable, isUniqueViolation } from './db.ts';
import { AppError } from './errors.ts';

function fieldPath(context: string | undefined, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  // Fastify calls the query string's context "querystring"; fields are named "query.<name>" (as query.cursor is).
  const base = context === 'querystring' ? 'query' : (context ?? 'body');
  return parts ? `${base}${parts}` : base;
}

// Error bodies stay small whatever the request: a body with 60,000 unknown keys must not earn a megabyte
// of errors. The first MAX_DETAILS field errors are listed, each text cut at MAX_TEXT characters.
export const MAX_DETAILS = 20;
export const MAX_TEXT = 300;

export function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function bounded(details: ErrorDetail[]): ErrorDetail[] {
  return details.slice(0, MAX_DETAILS).map((d) => ({ field: clip(d.field, 200), message: clip(d.message) }));
}

function zodDetails(error: FastifyError): ErrorDetail[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return [];
  return error.validation.slice(0, MAX_DETAILS).map((v) => {
    // instancePath is "/ports/1/port"; numeric segments are array indexes.
    const path = v.instancePath
      .split('/')
      .filter(Boolean)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    return { field: fieldPath(error.validationContext, path), message: v.message ?? 'is invalid' };
  });
}

/** Seconds a client should wait before retrying a 503 (the database usually returns within that). */
export const RETRY_AFTER_SECONDS = 5;

function send(reply: FastifyReply, request: FastifyRequest, err: AppError) {
  if (err.status === 503 && !reply.hasHeader('retry-after'))
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  const body: ErrorEnvelope = {
    error: {
      code: err.code,
      message: clip(err.message, 1000),
      details: bounded(err.details),
      requestId: request.id,
    },
  };
  return reply.status(err.status).type('application/json').send(body);
}

const FASTIFY_CODES: Record<string, AppError['code']> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
};

function validationError(fe: FastifyError): AppError {
  const details = bounded(zodDetails(fe));
  const total = hasZodFastifySchemaValidationErrors(fe) ? fe.validation.length : details.length;
  const more = total > details.length ? `; and ${total - details.length} more` : '';
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  return new AppError('validation_failed', `invalid request: ${summary}${more}`, details);
}

/** Maps anything thrown to an AppError, or null when it is an unexpected failure. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error))
    return new AppError('unavailable', 'the database is unreachable; try again shortly');
  if (isUniqueViolation(error))
    return new AppError('duplicate', 'an object with the same unique fields already exists');
  const fe = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) return validationError(fe);
  return fromFastify(fe);
}

function fromFastify(fe: FastifyError): AppError | null {
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped)
    return new AppError(
      mapped,
      mapped === 'invalid_json' ? 'the request body is not valid JSON' : fe.message,
    );
  if (fe.statusCode === 429) return new AppError('rate_limited', 'too many requests; try again later');
  if (fe.validation)
    return new AppError('validation_failed', fe.message, [
      { field: fe.validationContext ?? 'body', message: fe.message },
    ]);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return new AppError('validation_failed', fe.message);
  return null;
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    const known = toAppError(error);
    if (known?.code === 'unavailable') request.log.warn({ err: error }, 'database unavailable; answered 503');
    if (known) return send(reply, request, known);
    if (isResponseSerializationError(error))
      request.log.error({ issues: error.cause.issues }, 'response does not match its schema');
    else request.log.error({ err: error }, 'unexpected error');
    return send(
      reply,
      request,
      new AppError('internal', 'internal error; quote the request id when reporting it'),
    );
  });
}

export const errorsPluginFp = fp(errorsPlugin, { name: 'egress-errors' });
export { send as sendError };
