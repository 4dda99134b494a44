import { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.js';

/** An error with a registered code, as it travels across IPC and HTTP: never a stack. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/**
 * The base of every coded RouteX error. The message defaults to the registry's; `details` is
 * structured data for API clients (e.g. the list of config problems).
 */
export class RoutexError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** `error` as a payload: its own code when it has a registered one, else `fallback`. */
export function errorPayload(error: unknown, fallback: ErrorCode): ErrorPayload {
  const err = error as { code?: unknown; message?: unknown; details?: unknown } | null;
  const code = isErrorCode(err?.code) ? err.code : fallback;
  const message = typeof err?.message === 'string' && err.message !== '' ? err.message : String(error);
  return err?.details === undefined ? { code, message } : { code, message, details: err.details };
}
