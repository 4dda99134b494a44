import { canonicalIp } from '../../shared/ip-port.js';
import type { CommandMessage, MessageHandlers, RequestHandlers, UpstreamSelector } from '../../shared/ipc/protocol.js';
import type { WorkerSession } from '../runtime/worker-session.js';
import type { ReceivedHandle } from '../listeners/adopted-handle.js';

/** The selector as the pool spells its upstreams, whatever spelling of the IP the request used. */
function canonicalSelector({ ip, port }: UpstreamSelector): UpstreamSelector {
  const canonical = canonicalIp(ip) ?? ip;
  return port === undefined ? { ip: canonical } : { ip: canonical, port };
}

/** Every request the supervisor may send, and how this worker answers it. */
export const REQUEST_HANDLERS: RequestHandlers<WorkerSession> = {
  'proxy.start': (m, session) => session.start(m.config, m.suspendedReason, m.bans, m.udpHandover),
  'proxy.reconfigure': (m, session) => {
    session.reconfigure(m.config);
    return {};
  },
  'proxy.drain': async (m, session) => ({ udpSessions: await session.drain(m.timeoutMs, m.handover) }),
  'connections.list': (_m, session) => session.running.listConnections(),
  'connection.kill': (m, session) => ({ killed: session.running.killConnection(m.connectionId) }),
  'upstreams.list': (_m, session) => session.running.listUpstreams(),
  'upstream.eject': (m, session) => ({ affected: session.running.eject(canonicalSelector(m)) }),
  'upstream.readmit': (m, session) => ({ affected: session.running.readmit(canonicalSelector(m)) }),
};

/** What a command handler gets: the session, and the handle that came with the message (`listener.handed`). */
export interface CommandContext {
  session: WorkerSession;
  handle: ReceivedHandle | undefined;
}

/** Every command the supervisor may send. */
export const COMMAND_HANDLERS: MessageHandlers<CommandMessage, CommandContext> = {
  'listener.handed': (m, { session, handle }) => {
    if (handle !== undefined) session.socketHanded(m.listener, handle);
  },
  'udp.sessions-handed-over': (m, { session }) => session.adoptSessions(m.sessions),
  'proxy.suspend': (m, { session }) => session.setSuspended(m.reason),
  'proxy.resume': (_m, { session }) => session.setSuspended(null),
  'bans.added': (m, { session }) => session.addBans(m.bans),
  'bans.removed': (m, { session }) => session.removeBans(m.targets),
};
