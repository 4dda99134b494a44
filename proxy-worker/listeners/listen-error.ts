/** A handed listening socket could not be listened on; carries the address so the operator sees which port. */
export class ListenError extends Error {
  readonly code = 'ERR_LISTEN_FAILED';

  constructor(
    readonly address: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    super(`cannot listen on ${address}: ${cause.code ?? cause.message}`);
  }
}
