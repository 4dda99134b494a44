'use strict';
// Naive Node.js L4 proxy baseline: net.createServer + pipe both ways; UDP relay with
// one upstream socket per client address.  No tuning at all.
// usage: node node-naive.cjs LPORT:THOST:TPORT[:tcp|udp|both] ...
const net = require('net');
const dgram = require('dgram');

const LISTEN_HOST = process.env.LISTEN_HOST || '127.0.0.1';
const UDP_IDLE_MS = 60_000;

function tcpProxy(lport, thost, tport) {
  net.createServer((client) => {
    const upstream = net.connect(tport, thost);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }).listen(lport, LISTEN_HOST);
}

function udpProxy(lport, thost, tport) {
  const server = dgram.createSocket('udp4');
  const sessions = new Map(); // "addr:port" -> { sock, last }
  server.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let s = sessions.get(key);
    if (!s) {
      const sock = dgram.createSocket('udp4');
      sock.on('message', (reply) => {
        s.last = Date.now();
        server.send(reply, rinfo.port, rinfo.address);
      });
      sock.on('error', () => { sock.close(); sessions.delete(key); });
      s = { sock, last: Date.now() };
      sessions.set(key, s);
    }
    s.last = Date.now();
    s.sock.send(msg, tport, thost);
  });
  server.bind(lport, LISTEN_HOST);
  setInterval(() => {
    const now = Date.now();
    for (const [key, s] of sessions) {
      if (now - s.last > UDP_IDLE_MS) { s.sock.close(); sessions.delete(key); }
    }
  }, 5_000).unref();
}

for (const spec of process.argv.slice(2)) {
  const [lport, thost, tport, proto = 'both'] = spec.split(':');
  if (proto !== 'udp') tcpProxy(Number(lport), thost, Number(tport));
  if (proto !== 'tcp') udpProxy(Number(lport), thost, Number(tport));
}
process.on('SIGTERM', () => process.exit(0));
console.error(`node-naive pid ${process.pid} up: ${process.argv.slice(2).join(' ')}`);
