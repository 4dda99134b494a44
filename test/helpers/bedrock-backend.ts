import dgram from 'node:dgram';
import bedrock from 'bedrock-protocol';
import { freePort } from './free-ports.js';

export interface BedrockBackend {
  port: number;
  close(): void;
}

/** A real Bedrock server (bedrock-protocol) on 127.0.0.1, offline mode, with `motd`. */
export async function startBedrockServer(motd: string): Promise<BedrockBackend> {
  const port = await freePort();
  const server = bedrock.createServer({ host: '127.0.0.1', port, motd: { motd, levelName: 'RouteX level' }, offline: true });
  return { port, close: () => server.close() };
}

export interface CountingRelay {
  port: number;
  /** Datagrams that went from a client to the server. */
  received: number;
  close(): Promise<void>;
}

/** Forwards UDP datagrams to `targetPort` and back, counting what reaches the target. */
export async function startCountingRelay(targetPort: number): Promise<CountingRelay> {
  const front = dgram.createSocket('udp4');
  const state: CountingRelay = { port: 0, received: 0, close: async () => undefined };
  const backs = new Map<string, dgram.Socket>();
  front.on('message', (msg, rinfo) => {
    state.received++;
    const key = `${rinfo.address}:${rinfo.port}`;
    let back = backs.get(key);
    if (back === undefined) {
      back = dgram.createSocket('udp4');
      back.on('message', (reply) => front.send(reply, rinfo.port, rinfo.address));
      back.connect(targetPort, '127.0.0.1');
      backs.set(key, back);
      back.once('connect', () => back!.send(msg));
      return;
    }
    back.send(msg);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  state.port = front.address().port;
  state.close = async () => {
    for (const back of backs.values()) back.close();
    await new Promise<void>((resolve) => front.close(() => resolve()));
  };
  return state;
}
