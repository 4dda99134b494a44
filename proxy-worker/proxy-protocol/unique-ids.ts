import { randomBytes } from 'node:crypto';
import { decimalDigits, writeDecimal } from './ascii-decimal.js';

/**
 * The values of the UNIQUE_ID TLV we send: `<worker token>-<connection id>`, e.g. `9f0c2a71-42`.
 * The token is random per worker process, so ids stay unique across restarts and proxies; the
 * connection id is the one the access log and the connections API show. Written straight into
 * the header: no string per connection.
 */
export class UniqueIds {
  private readonly prefix: Buffer;

  constructor(readonly token: string = randomBytes(4).toString('hex')) {
    this.prefix = Buffer.from(`${token}-`, 'latin1');
  }

  byteLength(connectionId: number): number {
    return this.prefix.length + decimalDigits(connectionId);
  }

  write(target: Buffer, offset: number, connectionId: number): number {
    target.set(this.prefix, offset);
    return writeDecimal(target, offset + this.prefix.length, connectionId);
  }

  /** The same id as text, for logs (off the hot path). */
  text(connectionId: number): string {
    return `${this.token}-${connectionId}`;
  }
}
