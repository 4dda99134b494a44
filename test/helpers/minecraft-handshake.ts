// Test-side reading of a Minecraft handshake, for test servers that play the proxy's part.
import type { JavaHandshake } from '../../proxy-worker/minecraft/java-answers.js';
import { readFrame, readString } from '../../proxy-worker/minecraft/packets.js';
import { readVarInt } from '../../proxy-worker/minecraft/varint.js';

/** The handshake at the start of `bytes` and the bytes after it, or undefined while incomplete. */
export function readTestHandshake(bytes: Buffer): { handshake: JavaHandshake; rest: Buffer } | undefined {
  const frame = readFrame(bytes, 0, 1024);
  if (frame.kind !== 'packet') return undefined;
  const out = { value: 0 };
  let offset = frame.payloadStart + readVarInt(bytes, frame.payloadStart, frame.end, out);
  const protocolVersion = out.value;
  const address = readString(bytes, offset, frame.end)!;
  offset = address.end;
  const serverPort = bytes.readUInt16BE(offset);
  readVarInt(bytes, offset + 2, frame.end, out);
  return { handshake: { protocolVersion, serverAddress: address.text, serverPort, nextState: out.value }, rest: bytes.subarray(frame.end) };
}
