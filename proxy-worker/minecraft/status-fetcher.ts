import net from 'node:net';
import { encodeHandshake, readFrame, readString, STATUS_REQUEST, STATUS_RESPONSE_ID } from './packets.js';

/** A status JSON is at most 32,767 characters, up to 3 UTF-8 bytes each, plus framing. */
const MAX_RESPONSE_BODY = 32_767 * 3 + 8;
const STATUS_STATE = 1;

export interface StatusRequest {
  ip: string;
  port: number;
  protocolVersion: number;
  /** The server address and port the client's handshake named, sent on to the backend. */
  serverAddress: string;
  serverPort: number;
  timeoutMs: number;
  /** Written first, once connected: a PROXY header for a backend that expects one. */
  greeting?: ((socket: net.Socket) => Buffer) | null;
}

/**
 * Asks a backend for its status the way a client's server-list ping does, and returns the JSON
 * text, or null when the backend cannot be reached, answers garbage, or takes longer than
 * `timeoutMs` in all.
 */
export function fetchJavaStatus(request: StatusRequest): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: request.ip, port: request.port, noDelay: true });
    let received = Buffer.alloc(0);
    const finish = (json: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(json);
    };
    const timer = setTimeout(() => finish(null), request.timeoutMs);
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('connect', () => {
      if (request.greeting) socket.write(request.greeting(socket));
      socket.write(encodeHandshake(request.protocolVersion, request.serverAddress, request.serverPort, STATUS_STATE));
      socket.write(STATUS_REQUEST);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const frame = readFrame(received, 0, MAX_RESPONSE_BODY);
      if (frame.kind === 'need-more') return;
      if (frame.kind === 'invalid' || frame.id !== STATUS_RESPONSE_ID) return finish(null);
      const json = readString(received, frame.payloadStart, frame.end);
      finish(json !== undefined && isStatusJson(json.text) ? json.text : null);
    });
  });
}

/** Only a JSON object is passed on as a status: a backend's garbage must not reach every client. */
function isStatusJson(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
