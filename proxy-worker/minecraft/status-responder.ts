import type net from 'node:net';
import { encodeLoginDisconnect, encodePong, encodeStatusResponse, PING_ID, readFrame, STATUS_REQUEST_ID } from './packets.js';

/** After the handshake a status client sends only a Status Request (1 byte body) and a Ping (9). */
const MAX_STATUS_BODY = 9;
/** A client lingering after its answer, or never asking, is closed after this long at most. */
export const ANSWER_TIMEOUT_MS = 10_000;

/** A status JSON, a fetch of one in flight, or null: nothing to say, close. */
export type StatusSource = string | null | Promise<string | null>;

/**
 * Plays the server side of a server-list ping on a client socket, after the handshake was read:
 * the Status Request gets `status` (a JSON text, or a promise of one from a fetch in flight; null
 * = nothing to say, close), the Ping gets its Pong, then the socket is closed. Anything else,
 * or nothing within the timeout, closes it. `leftover` holds bytes read past the handshake.
 */
export class StatusResponder {
  private buffered: Buffer;
  private readonly timer: NodeJS.Timeout;
  private answered = false;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    leftover: Buffer,
    private readonly status: StatusSource,
    private readonly onClose: () => void,
    timeoutMs = ANSWER_TIMEOUT_MS,
  ) {
    this.buffered = leftover;
    this.timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', this.onData);
    socket.on('error', () => undefined);
    socket.once('close', this.onSocketClose);
    socket.once('end', this.onClientEnd);
    socket.resume();
    this.process();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.process();
  };

  private process(): void {
    while (!this.closed && this.buffered.length > 0) {
      const frame = readFrame(this.buffered, 0, MAX_STATUS_BODY);
      if (frame.kind === 'need-more') return;
      if (frame.kind === 'invalid') return this.close();
      const payload = this.buffered.subarray(frame.payloadStart, frame.end);
      this.buffered = this.buffered.subarray(frame.end);
      if (frame.id === STATUS_REQUEST_ID && payload.length === 0 && !this.answered) this.answerStatus();
      else if (frame.id === PING_ID && payload.length === 8) this.answerPing(payload);
      else return this.close();
    }
  }

  private answerStatus(): void {
    this.answered = true;
    if (this.status === null) return this.close();
    if (typeof this.status === 'string') {
      this.socket.write(encodeStatusResponse(this.status));
      return;
    }
    // Reads stay paused until the status is known, so a Ping cannot overtake it.
    this.socket.pause();
    void this.status.then((json) => {
      if (this.closed) return;
      if (json === null) return this.close();
      this.socket.write(encodeStatusResponse(json));
      this.socket.resume();
    });
  }

  private answerPing(payload: Buffer): void {
    this.socket.end(encodePong(payload));
    this.closed = true;
  }

  private close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** A client that stops sending asks nothing more: finish our side too. */
  private readonly onClientEnd = (): void => {
    this.closed = true;
    this.socket.end();
  };

  private readonly onSocketClose = (): void => {
    this.closed = true;
    clearTimeout(this.timer);
    this.onClose();
  };
}

/**
 * Sends a login disconnect and closes politely: the client's Login Start may still be unread, and
 * closing with unread bytes would reset the connection and could lose the message.
 */
export function sendLoginDisconnect(socket: net.Socket, message: string, onClose: () => void, lingerMs = ANSWER_TIMEOUT_MS): void {
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  socket.once('close', () => {
    clearTimeout(timer);
    onClose();
  });
  socket.on('end', () => socket.destroy());
  socket.resume();
  socket.end(encodeLoginDisconnect(message));
}
