// FiveM/RedM over TCP is HTTP/1.x (`GET /info.json`, `POST /client`, resource downloads): the
// first bytes must be a request line, `METHOD SP target SP HTTP/1.x CRLF`. Checked byte by
// byte as they arrive, so junk is refused at its first wrong byte.
import { incomplete, type Verdict } from './verdict.js';

const METHODS = ['GET', 'POST', 'HEAD', 'OPTIONS'].map((m) => Uint8Array.from([...m + ' '].map((c) => c.charCodeAt(0))));
const VERSION = Uint8Array.from([...' HTTP/1.'].map((c) => c.charCodeAt(0)));
/** Request targets longer than this are refused (nginx's default large header buffer is 8 KiB). */
const MAX_TARGET = 4096;
export const MAX_REQUEST_LINE = 'OPTIONS '.length + MAX_TARGET + ' HTTP/1.1\r\n'.length;

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;

export function inspectHttpRequestLine(bytes: Uint8Array, start: number, end: number, complete: boolean): Verdict {
  const method = matchMethod(bytes, start, end);
  if (method === -1) return 'invalid_protocol';
  if (method === 0) return incomplete(complete);
  let at = start + method;
  if (at === end) return incomplete(complete);
  // origin-form ("/path") or absolute-form ("http://…"), or "*" for OPTIONS.
  const first = bytes[at];
  if (first !== 0x2f && first !== 0x68 && first !== 0x2a) return 'invalid_protocol';
  const targetStart = at;
  for (; at < end && bytes[at] !== SP; at++) {
    const c = bytes[at]!;
    if (c <= SP || c >= 0x7f) return 'invalid_protocol';
    if (at - targetStart >= MAX_TARGET) return 'payload_too_large';
  }
  if (at === end) return incomplete(complete);
  for (let i = 0; i < VERSION.length; i++, at++) {
    if (at === end) return incomplete(complete);
    if (bytes[at] !== VERSION[i]) return 'invalid_protocol';
  }
  // The minor version digit, then CR LF.
  for (let step = 0; step < 3; step++, at++) {
    if (at === end) return incomplete(complete);
    const c = bytes[at];
    const ok = step === 0 ? c === 0x30 || c === 0x31 : c === (step === 1 ? CR : LF);
    if (!ok) return 'invalid_protocol';
  }
  return 'pass';
}

/** Bytes of the method and its space when they match, 0 for a valid prefix so far, -1 otherwise. */
function matchMethod(bytes: Uint8Array, start: number, end: number): number {
  let prefix = false;
  for (const method of METHODS) {
    const n = Math.min(method.length, end - start);
    let i = 0;
    while (i < n && bytes[start + i] === method[i]) i++;
    if (i === method.length) return method.length;
    if (i === n) prefix = true;
  }
  return prefix ? 0 : -1;
}
