// Minecraft Java test backends (minecraft-protocol servers, offline mode) and clients that set
// the handshake's host apart from the address they connect to, as a player behind DNS does.
import net from 'node:net';
import mc from 'minecraft-protocol';
import { freePort } from './free-ports.js';

export const MC_VERSION = '1.21.4';

export interface MinecraftBackend {
  port: number;
  /** The MOTD its status shows; change it to see when the proxy fetches again. */
  motd: string;
  /** Status requests it answered (server-list pings that reached it). */
  statusRequests: number;
  /** Server addresses of the handshakes of the logins it got, as sent. */
  loginHosts: string[];
  close(): Promise<void>;
}

/**
 * A server that answers status with its `motd` and, on login, disconnects the player with
 * "Welcome to {name}". `version: false` answers every client version's status with that version
 * (logins then do not work: minecraft-protocol needs one version for them).
 */
export async function startMinecraftBackend(name: string, options: { motd?: string; port?: number; version?: string | false } = {}): Promise<MinecraftBackend> {
  const { motd = `${name} MOTD`, port } = options;
  const listenPort = port ?? (await freePort());
  const state: MinecraftBackend = { port: listenPort, motd, statusRequests: 0, loginHosts: [], close: async () => undefined };
  const server = mc.createServer({
    host: '127.0.0.1',
    port: listenPort,
    'online-mode': false,
    version: options.version ?? MC_VERSION,
    motd,
    beforePing: (response: { description: unknown }) => {
      state.statusRequests++;
      response.description = { text: state.motd };
      return response;
    },
  } as mc.ServerOptions);
  // Ended once in play: minecraft-protocol 1.54's server mis-numbers a disconnect sent while configuring.
  server.on('playerJoin', (client: mc.ServerClient & { serverHost?: string }) => {
    state.loginHosts.push(client.serverHost ?? '');
    client.end(`Welcome to ${name}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const seen = new Set<mc.Client>();
  (server as unknown as NodeJS.EventEmitter).on('connection', (client: mc.Client) => {
    seen.add(client);
    unrefCloseTimers(client);
  });
  state.close = async () => {
    server.close();
    for (const client of seen) client.socket?.destroy();
  };
  return state;
}

/** Connects to the proxy at 127.0.0.1:`port` while the handshake names `host`. */
function through(port: number) {
  return (client: mc.Client): void => {
    unrefCloseTimers(client);
    client.setSocket(net.connect(port, '127.0.0.1'));
  };
}

/**
 * minecraft-protocol's `end()` arms a 30 s timer to destroy the socket, which is never cleared
 * when the peer had closed first (as servers do after a pong or a disconnect): it would hold the
 * test process for 30 s. The socket is closed by then, so the timer may as well not hold it.
 */
function unrefCloseTimers(client: mc.Client): void {
  const end = client.end.bind(client);
  client.end = (reason?: string): void => {
    end(reason);
    (client as unknown as { closeTimer: NodeJS.Timeout | null }).closeTimer?.unref();
  };
}

export interface PingResult {
  description: { text?: string } | string;
  version: { name: string; protocol: number };
  players: { max: number; online: number };
  favicon?: string;
  latency?: number;
}

/** A server-list ping as a player's client sends it, with `host` in the handshake. */
export async function pingAs(host: string, port: number, version = MC_VERSION): Promise<PingResult> {
  return (await mc.ping({ host, port, version, connect: through(port), closeTimeout: 5000 } as mc.PingOptions)) as unknown as PingResult;
}

export function motdOf(result: PingResult): string | undefined {
  return typeof result.description === 'string' ? result.description : result.description.text;
}

/**
 * A login as `host` (`handshakeHost` replaces the whole server address, Forge markers and all);
 * resolves with the text of the disconnect reason the client shows, whoever sent it.
 */
export function loginAs(host: string, port: number, options: { username?: string; handshakeHost?: string; version?: string } = {}): Promise<string> {
  const client = mc.createClient({
    host,
    port,
    username: options.username ?? 'Steve',
    auth: 'offline',
    version: options.version ?? MC_VERSION,
    connect: through(port),
    ...(options.handshakeHost === undefined ? {} : { fakeHost: options.handshakeHost }),
  } as mc.ClientOptions);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`login as ${host}: no disconnect within 10 s`)), 10_000);
    const done = (reason: string): void => {
      clearTimeout(timer);
      client.end();
      resolve(textOf(reason));
    };
    client.on('disconnect', (packet: { reason: string }) => done(packet.reason));
    client.on('kick_disconnect', (packet: { reason: unknown }) => done(typeof packet.reason === 'string' ? packet.reason : JSON.stringify(packet.reason)));
    client.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The visible text of a JSON text component (or of an NBT one as minecraft-protocol renders it). */
function textOf(reason: string): string {
  try {
    const value: unknown = JSON.parse(reason);
    if (typeof value === 'string') return value;
    const text = (value as { text?: unknown; value?: { text?: { value?: string } } }).text;
    if (typeof text === 'string') return text;
    return (value as { value?: { text?: { value?: string } } }).value?.text?.value ?? reason;
  } catch {
    return reason;
  }
}
