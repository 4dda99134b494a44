/** A listener could not be bound; carries the address so the operator sees which port. */
export class ListenError extends Error {
  readonly code = 'ERR_LISTEN_FAILED';

  constructor(
    readonly address: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    super(`cannot listen on ${address}: ${cause.code ?? cause.message}`);
  }
}

const RETRYABLE = new Set(['EADDRINUSE']);
const RETRY_STEP_MS = 100;

/**
 * Binds with a short retry on EADDRINUSE: when a proxy restarts, its successor may be started
 * while the predecessor is still releasing the same ports.
 */
export async function bindWithRetry(bind: () => Promise<void>, address: string, retryForMs: number): Promise<void> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      await bind();
      return;
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      if (!RETRYABLE.has(err.code ?? '') || Date.now() >= deadline) throw new ListenError(address, err);
      await new Promise((resolve) => setTimeout(resolve, RETRY_STEP_MS));
    }
  }
}
