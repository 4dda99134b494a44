// The config-check thread: runs one job per message and posts its result back. Started by
// ConfigChecker; a job that throws is reported, never fatal to the thread.
import { parentPort } from 'node:worker_threads';
import { runCheckJob, type CheckJob } from './config-check-jobs.js';

parentPort!.on('message', (message: { id: number; job: CheckJob }) => {
  try {
    parentPort!.postMessage({ id: message.id, ok: true, result: runCheckJob(message.job) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, ok: false, message: String((error as Error)?.message ?? error) });
  }
});
