import { statSync } from 'node:fs';
import { formatIssue } from '../shared/config/errors.js';
import { loadGlobalConfigFile } from '../shared/config/load-global.js';
import { writeStderrError } from './logging/journal-stream.js';
import { Logger } from './logging/logger.js';
import { Supervisor } from './supervisor.js';
import { assertSafeApiExposure } from './api/api-exposure.js';
import { VERSION } from './version.js';
import { notifyReady, notifyStopping } from './systemd/sd-notify.js';

/** The folder is watched for drop-in files: it must exist before the watch starts. */
function assertProxiesFolder(dir: string): void {
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isFolder) throw new Error(`the proxies folder ${dir} does not exist; create it (it may stay empty) or pass --proxies DIR`);
}

/**
 * Runs the supervisor until SIGTERM/SIGINT. Resolves with the exit code: 0 after a clean drain,
 * 1 when global.yaml is invalid or the API cannot start.
 */
export async function runSupervisor(globalFile: string, proxiesDir: string): Promise<number> {
  const loaded = loadGlobalConfigFile(globalFile);
  if (loaded.config === undefined || loaded.issues.length > 0) {
    for (const issue of loaded.issues) writeStderrError(`routex: ${formatIssue(issue)}\n`);
    writeStderrError('routex: global config invalid, not starting\n');
    return 1;
  }
  const global = loaded.config;
  const logger = Logger.create(global.logging);
  for (const warning of loaded.warnings) logger.warn('config warning', { problem: formatIssue(warning) });
  try {
    assertSafeApiExposure(global.api);
    assertProxiesFolder(proxiesDir);
  } catch (error) {
    logger.error('refusing to start', { error: (error as Error).message });
    await logger.close();
    return 1;
  }
  logger.info('routex starting', { version: VERSION, pid: process.pid, config: globalFile, proxies: proxiesDir });
  const supervisor = new Supervisor({ globalFile, proxiesDir }, global, logger);

  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn('second signal, exiting without waiting for drains', { signal });
        resolve(1);
        return;
      }
      stopping = true;
      // Wait for systemd-notify too: exiting first would kill it before STOPPING=1 is sent.
      void Promise.all([notifyStopping(logger), supervisor.shutdown(signal)]).then(() => resolve(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.on('SIGHUP', () => {
    logger.info('SIGHUP received, reloading configuration');
    void supervisor.reload('signal', true);
  });

  try {
    await supervisor.start();
  } catch (error) {
    logger.error('startup failed', { error: (error as Error).message });
    await supervisor.shutdown('startup failure');
    await logger.close();
    return 1;
  }
  const running = supervisor.fleet.list().filter((c) => c.state === 'running').length;
  await notifyReady(logger, `${running} proxies running`);
  // The supervisor runs until a signal says otherwise, even at a moment when nothing else holds
  // the event loop (no API, no worker, a watcher that failed): Node would otherwise exit 0 quietly,
  // and a service manager does not restart a clean exit.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const code = await stopped;
  clearInterval(keepAlive);
  await logger.close();
  if (code !== 0) {
    for (const controller of supervisor.fleet.list()) controller.killAll();
  }
  return code;
}
