import type { ErrorCode } from './error-codes.js';

const CODE_BY_ERRNO: Readonly<Record<string, ErrorCode>> = {
  EADDRINUSE: 'ERR_LISTEN_ADDRESS_IN_USE',
  EACCES: 'ERR_LISTEN_PERMISSION_DENIED',
  EADDRNOTAVAIL: 'ERR_LISTEN_ADDRESS_NOT_AVAILABLE',
};

/** The code for a socket that could not be bound or listened on, from the system's errno name. */
export function listenErrorCode(errno: string | undefined): ErrorCode {
  return CODE_BY_ERRNO[errno ?? ''] ?? 'ERR_LISTEN_FAILED';
}
