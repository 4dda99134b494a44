import { listenErrorCode } from '../../shared/errors/listen-error-code.js';
import { RoutexError } from '../../shared/errors/routex-error.js';

/** A handed listening socket could not be listened on; carries the address so the operator sees which port. */
export class ListenError extends RoutexError {
  constructor(
    readonly address: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    super(listenErrorCode(cause.code), `cannot listen on ${address}: ${cause.code ?? cause.message}`);
  }
}
