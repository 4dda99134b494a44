// A proxy worker: one forked process per proxy file. It only ever talks to its supervisor over
// the fork IPC channel, and exits when that channel drops.
import { isMessageOf, type CommandMessage, type RequestMessage, type WorkerMessage } from '../shared/ipc/protocol.js';
import { errorPayload, RoutexError } from '../shared/errors/routex-error.js';
import { WorkerLogger } from './runtime/worker-logger.js';
import { WorkerSession } from './runtime/worker-session.js';
import { COMMAND_HANDLERS, REQUEST_HANDLERS, type CommandContext } from './ipc/supervisor-handlers.js';
import type { ReceivedHandle } from './listeners/adopted-handle.js';

function send(message: WorkerMessage, callback?: () => void): void {
  if (process.connected) process.send!(message, undefined, undefined, callback);
  else callback?.();
}

const session = new WorkerSession(new WorkerLogger(send, 'info'), send, (code) => process.exit(code));

async function answer(request: RequestMessage): Promise<void> {
  const handle = REQUEST_HANDLERS[request.type] as (message: RequestMessage, context: WorkerSession) => unknown;
  try {
    send({ type: 'request.answered', replyTo: request.id, result: await handle(request, session) });
  } catch (error) {
    // A worker whose start failed has nothing to run: it exits once the supervisor has the reason.
    const startFailed = request.type === 'proxy.start';
    const payload = errorPayload(error, startFailed ? 'ERR_WORKER_START_FAILED' : 'ERR_INTERNAL');
    send({ type: 'request.failed', replyTo: request.id, error: payload }, startFailed ? () => process.exit(1) : undefined);
  }
}

function runCommand(message: CommandMessage, handle: ReceivedHandle | undefined): void {
  (COMMAND_HANDLERS[message.type] as (m: CommandMessage, context: CommandContext) => void)(message, { session, handle });
}

/** A request this worker has no handler for (a supervisor of another version) is refused, not left to time out. */
function refuseUnknown(message: unknown): void {
  const { type, id } = (message ?? {}) as { type?: unknown; id?: unknown };
  if (typeof id !== 'number') return;
  send({ type: 'request.failed', replyTo: id, error: errorPayload(new RoutexError('ERR_IPC_UNKNOWN_REQUEST', `unknown request ${String(type)}`), 'ERR_INTERNAL') });
}

process.on('message', (message: unknown, handle: unknown) => {
  if (isMessageOf<RequestMessage>(message, REQUEST_HANDLERS)) void answer(message);
  else if (isMessageOf<CommandMessage>(message, COMMAND_HANDLERS)) runCommand(message, typeof handle === 'object' && handle !== null ? handle : undefined);
  else refuseUnknown(message);
});
process.on('disconnect', () => process.exit(0));
// The supervisor decides when a worker stops; a terminal's Ctrl-C reaches the whole process group.
process.on('SIGINT', () => undefined);
// A SIGTERM sent to the worker itself is a stop request: drain like the supervisor would ask.
process.on('SIGTERM', () => void session.drainAsConfigured());
process.on('uncaughtException', (error) => {
  send({ type: 'log.recorded', level: 'error', message: 'worker crashed', fields: { error: String(error.stack ?? error) } }, () => process.exit(70));
});
