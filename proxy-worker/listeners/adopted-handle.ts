// The worker's side of the supervisor-held listening sockets: a handle received with a message
// (`process.on('message', (message, handle) => ...)`) becomes a net.Server or a dgram.Socket that
// serves it. Closing them closes this process's descriptor only; the supervisor's keeps the port.
import type dgram from 'node:dgram';
import type net from 'node:net';

/** A libuv TCP or UDP handle as received over the fork channel; opaque outside this file. */
export type ReceivedHandle = object;

interface RawUdpHandle {
  recvStart(): number;
  recvStop(): number;
}

/**
 * Serves a supervisor-bound TCP handle: `listen(backlog)` on it (the kernel socket then queues
 * connections up to `backlog`, capped by net.core.somaxconn, even while no worker runs).
 */
export function listenOnHandle(server: net.Server, handle: ReceivedHandle, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // net.Server.listen(handle, backlog): the (handle[, backlog]) form cluster workers use.
    (server.listen as (handle: ReceivedHandle, backlog: number) => net.Server)(handle, backlog);
  });
}

/** Reading control of an adopted UDP socket: a draining worker stops reading but keeps replying. */
export interface UdpReading {
  pause(): void;
  resume(): void;
}

/**
 * Makes `socket` (created with the handle's family, udp4/udp6) serve a supervisor-bound UDP
 * handle. dgram accepts a UDP handle in place of a port (the path cluster workers take). With
 * `paused`, no datagram is read until `resume()`: binding starts reading synchronously, and the
 * stop comes before this process's event loop can poll the socket.
 */
export function adoptUdpHandle(socket: dgram.Socket, handle: ReceivedHandle, paused = false): UdpReading {
  (socket.bind as (handle: ReceivedHandle) => dgram.Socket)(handle);
  const raw = handle as RawUdpHandle;
  let reading = true;
  let closed = false;
  socket.once('close', () => (closed = true));
  const reader: UdpReading = {
    pause() {
      if (reading && !closed) raw.recvStop();
      reading = false;
    },
    resume() {
      if (!reading && !closed) raw.recvStart();
      reading = true;
    },
  };
  if (paused) reader.pause();
  return reader;
}
