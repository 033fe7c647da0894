import type { Response } from 'express';
import { ZodError } from 'zod';
import { DomainError, ERROR_STATUS, PROBLEM_CONTENT_TYPE, type Problem, problemType, type ErrorCode } from '@concert/contracts';
import { AppError } from './errors';
import { currentRequestId } from './logger';

const TITLES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'Request validation failed',
  INTERNAL: 'Internal server error',
};

/** Maps anything thrown in a handler to a problem document; unknown errors never leak details. */
export function problemFrom(err: unknown): Problem {
  if (err instanceof AppError) return build(err.code, err.message, err.status, err.errors);
  // The domain's refusals carry only their code: its HTTP status is decided here, once.
  if (err instanceof DomainError) return build(err.code, err.message, ERROR_STATUS[err.code]);
  if (err instanceof ZodError) {
    const errors = err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    return build('VALIDATION_FAILED', 'The request is not valid', 400, errors);
  }
  const e = err as { type?: string; status?: number; statusCode?: number };
  // body-parser errors carry a status and a type; they are client errors, not 500s.
  if (e?.type === 'entity.too.large') return build('PAYLOAD_TOO_LARGE', 'The request body is too large', 413);
  if (e?.type === 'entity.parse.failed')
    return build('VALIDATION_FAILED', 'The request body is not valid JSON', 400, [{ path: '(body)', message: 'invalid JSON' }]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return build('UNSUPPORTED_MEDIA_TYPE', 'Unsupported request encoding', 415);
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return build('VALIDATION_FAILED', 'The request could not be processed', 400);
  return build('INTERNAL', 'An unexpected error occurred', 500);
}

function build(code: ErrorCode, detail: string, status: number, errors?: Problem['errors']): Problem {
  const p: Problem = { type: problemType(code), title: TITLES[code] ?? titleOf(code), status, detail, code };
  if (errors) p.errors = errors;
  const requestId = currentRequestId();
  if (requestId) p.requestId = requestId;
  return p;
}

const titleOf = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

/**
 * The problem document, with exactly the headers express's `type().send()` wrote (content type
 * with its charset, length; no ETag), straight on node's response: refusals are most of a sale's
 * answers, and `send` does content negotiation, charset and freshness work they never need.
 */
export function sendProblem(res: Response, problem: Problem): void {
  if (res.headersSent) return;
  const body = JSON.stringify(problem);
  res.statusCode = problem.status;
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE_UTF8);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

const PROBLEM_CONTENT_TYPE_UTF8 = `${PROBLEM_CONTENT_TYPE}; charset=utf-8`;
