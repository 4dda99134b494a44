import type { QueryMessage, UpstreamSelector, WorkerMessage } from '../../shared/ipc/protocol.js';
import type { ProxyRuntime } from './proxy-runtime.js';

/** Answers a supervisor query with the same id; unknown names and a missing runtime are errors. */
export function answerQuery(runtime: ProxyRuntime | null, query: QueryMessage): WorkerMessage {
  if (runtime === null) {
    return { type: 'query.failed', replyTo: query.id, ok: false, error: { code: 'ERR_WORKER_NOT_STARTED', message: 'worker has no running proxy' } };
  }
  switch (query.name) {
    case 'connections.list':
      return { type: 'query.answered', replyTo: query.id, ok: true, result: runtime.listConnections() };
    case 'connection.kill': {
      const { id } = query.params as { id: number };
      return { type: 'query.answered', replyTo: query.id, ok: true, result: { killed: runtime.killConnection(id) } };
    }
    case 'upstreams.list':
      return { type: 'query.answered', replyTo: query.id, ok: true, result: runtime.listUpstreams() };
    case 'upstream.eject':
      return { type: 'query.answered', replyTo: query.id, ok: true, result: { affected: runtime.eject(query.params as UpstreamSelector) } };
    case 'upstream.readmit':
      return { type: 'query.answered', replyTo: query.id, ok: true, result: { affected: runtime.readmit(query.params as UpstreamSelector) } };
    default:
      return { type: 'query.failed', replyTo: query.id, ok: false, error: { code: 'ERR_IPC_UNKNOWN_QUERY', message: `unknown query ${String(query.name)}` } };
  }
}
