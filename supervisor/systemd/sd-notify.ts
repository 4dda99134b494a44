// Readiness for systemd's Type=notify. The protocol is one datagram to the unix socket named by
// $NOTIFY_SOCKET, and Node cannot send on a unix datagram socket, so `systemd-notify` sends it.
// It runs as a child of the supervisor, so the unit needs NotifyAccess=all: unless systemd-notify
// may fake the sender's credentials (root), systemd sees the child's pid, not MAINPID.
import { execa } from 'execa';

export interface NotifyLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** systemd-notify waits up to 5 s for systemd to process the message; never wait much longer. */
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * Sends `assignments` (e.g. `READY=1`) to the service manager. Does nothing when NOTIFY_SOCKET is
 * unset (not started by systemd with Type=notify). A failure is logged and never thrown: the
 * proxies work whatever the service manager thinks. Resolves true when the message was sent.
 */
export async function sdNotify(assignments: string[], logger: NotifyLogger, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const socket = env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return false;
  const args = [`--pid=${process.pid}`, ...assignments];
  const result = await execa('systemd-notify', args, { env, reject: false, timeout: NOTIFY_TIMEOUT_MS, stdin: 'ignore' });
  if (!result.failed) {
    logger.debug('service manager notified', { socket, notification: assignments.join(' ') });
    return true;
  }
  const reason = result.code === 'ENOENT' ? 'systemd-notify not found (install systemd, or use Type=simple)' : result.shortMessage;
  logger.warn('cannot notify the service manager', { socket, notification: assignments.join(' '), error: reason, stderr: result.stderr || undefined });
  return false;
}

/** Start-up is complete: the API listens and every enabled proxy has reported ready or failed. */
export function notifyReady(logger: NotifyLogger, status: string): Promise<boolean> {
  return sdNotify(['READY=1', `STATUS=${status}`], logger);
}

/** Shutdown has begun (draining); systemctl shows "deactivating" instead of a silent wait. */
export function notifyStopping(logger: NotifyLogger): Promise<boolean> {
  return sdNotify(['STOPPING=1', 'STATUS=draining connections'], logger);
}
