import type { ErrorRequestHandler, RequestHandler } from 'express';
import { statusOf, type ErrorCode } from '../../shared/errors/error-codes.js';
import { RoutexError } from '../../shared/errors/routex-error.js';

/** A coded error the API answers with the code's status, as `{"error":{"code","message","details"}}`. */
export class ApiError extends RoutexError {
  get status(): number {
    return statusOf(this.code);
  }
}

const BODY_ERROR_CODES: Record<string, ErrorCode> = {
  'entity.parse.failed': 'ERR_BODY_INVALID_JSON',
  'entity.too.large': 'ERR_BODY_TOO_LARGE',
  'encoding.unsupported': 'ERR_BODY_ENCODING',
  'charset.unsupported': 'ERR_BODY_ENCODING',
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError('ERR_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

/** Last in the chain: every error leaves as JSON, never as a stack trace. */
export function errorHandler(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof ApiError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } });
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser: malformed JSON, body too large, bad encoding.
      const type = String((error as { type?: unknown }).type ?? 'request.invalid');
      const code = BODY_ERROR_CODES[type] ?? 'ERR_REQUEST_INVALID';
      const message = type === 'entity.parse.failed' ? `invalid JSON body: ${(error as Error).message}` : (error as Error).message;
      res.status(status).json({ error: { code, message } });
      return;
    }
    onUnexpected(error);
    res.status(500).json({ error: { code: 'ERR_INTERNAL', message: 'internal error' } });
  };
}
