'use strict';
// node-relay (the harness's "node-tuned"): bare Node.js L4 relay, same shape as node-naive.cjs, with the cheap tricks applied:
//  - TCP: noDelay on both legs, no stream.pipe (direct 'data' -> write with manual
//    pause/resume backpressure), client paused until the upstream is connected,
//    larger highWaterMark, keepAlive off, allowHalfOpen handled by end().
//  - UDP: one *connected* upstream socket per client (send without address lookup),
//    reply sent with a pre-bound port/address; sessions swept by a coarse timer.
//  - optional cluster: WORKERS=n forks n processes sharing the listeners
//    (cluster.schedulingPolicy = SCHED_NONE, i.e. kernel-distributed accept()).
// usage: node node-relay.cjs LPORT:THOST:TPORT[:tcp|udp|both] ...
const net = require('net');
const dgram = require('dgram');
const cluster = require('cluster');

const LISTEN_HOST = process.env.LISTEN_HOST || '127.0.0.1';
const WORKERS = Number(process.env.WORKERS || 1);
const HWM = 256 * 1024;
const UDP_IDLE_MS = 60_000;

function relay(from, to) {
  from.on('data', (chunk) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  from.on('end', () => to.end());
}

function tcpProxy(lport, thost, tport) {
  const server = net.createServer({ noDelay: true, pauseOnConnect: true, allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ port: tport, host: thost, noDelay: true, allowHalfOpen: true,
      readableHighWaterMark: HWM, writableHighWaterMark: HWM });
    const kill = () => { client.destroy(); upstream.destroy(); };
    client.on('error', kill); upstream.on('error', kill);
    client.on('close', kill); upstream.on('close', kill);
    upstream.once('connect', () => {
      relay(client, upstream);
      relay(upstream, client);
      client.resume();
    });
  });
  server.listen({ port: lport, host: LISTEN_HOST, backlog: 4096 });
}

function udpProxy(lport, thost, tport) {
  const server = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  const sessions = new Map();
  let now = Date.now();
  setInterval(() => { now = Date.now(); }, 250).unref();
  server.on('message', (msg, rinfo) => {
    const key = rinfo.address + ':' + rinfo.port;
    let s = sessions.get(key);
    if (s === undefined) {
      const sock = dgram.createSocket('udp4');
      const port = rinfo.port, addr = rinfo.address;
      s = { sock, last: now, ready: false, queue: [] };
      sessions.set(key, s);
      sock.on('message', (reply) => { s.last = now; server.send(reply, port, addr); });
      sock.on('error', () => { try { sock.close(); } catch {} sessions.delete(key); });
      sock.connect(tport, thost, () => {
        s.ready = true;
        for (const m of s.queue) sock.send(m);
        s.queue = null;
      });
    }
    s.last = now;
    if (s.ready) s.sock.send(msg); else if (s.queue.length < 64) s.queue.push(msg);
  });
  server.bind({ port: lport, address: LISTEN_HOST, exclusive: false });
  setInterval(() => {
    for (const [key, s] of sessions) if (now - s.last > UDP_IDLE_MS) { s.sock.close(); sessions.delete(key); }
  }, 5_000).unref();
}

if (WORKERS > 1 && cluster.isPrimary) {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  for (const spec of process.argv.slice(2)) {
    const [lport, thost, tport, proto = 'both'] = spec.split(':');
    if (proto !== 'udp') tcpProxy(Number(lport), thost, Number(tport));
    if (proto !== 'tcp') udpProxy(Number(lport), thost, Number(tport));
  }
  process.on('SIGTERM', () => process.exit(0));
  console.error(`node-relay pid ${process.pid} up: ${process.argv.slice(2).join(' ')}`);
}
