import net from 'node:net';
import tls from 'node:tls';

/**
 * The ClientHello Node's real TLS client sends for `servername` (undefined = no SNI), captured by
 * a plain TCP server that reads until the first record is complete and then hangs up.
 */
export async function captureClientHello(servername: string | undefined): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    const captured = new Promise<Buffer>((resolve, reject) => {
      server.once('connection', (socket) => {
        let bytes = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          bytes = Buffer.concat([bytes, chunk]);
          if (bytes.length >= 5 && bytes.length >= 5 + bytes.readUInt16BE(3)) {
            socket.destroy();
            resolve(bytes.subarray(0, 5 + bytes.readUInt16BE(3)));
          }
        });
        socket.on('error', reject);
      });
    });
    // An IP as `host` sends no SNI unless `servername` is given; rejectUnauthorized is irrelevant (no server hello comes).
    const client = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
    client.on('error', () => undefined);
    const hello = await captured;
    client.destroy();
    return hello;
  } finally {
    server.close();
  }
}

/** The same ClientHello re-framed into records of at most `size` bytes of handshake data each. */
export function splitIntoRecords(hello: Buffer, size: number): Buffer {
  const handshake = hello.subarray(5);
  const records: Buffer[] = [];
  for (let offset = 0; offset < handshake.length; offset += size) {
    const part = handshake.subarray(offset, offset + size);
    const header = Buffer.from([22, hello[1]!, hello[2]!, 0, 0]);
    header.writeUInt16BE(part.length, 3);
    records.push(header, part);
  }
  return Buffer.concat(records);
}
