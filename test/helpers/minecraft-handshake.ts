// Test-side reading of a Minecraft handshake, for test servers that play the proxy's part.
import type { JavaHandshake } from '../../proxy-worker/minecraft/java-answers.js';
import { inspectMinecraftJava, newHandshakeFields } from '../../proxy-worker/l7/detectors/minecraft-java.js';

/** The handshake at the start of `bytes` and the bytes after it, or undefined while incomplete. */
export function readTestHandshake(bytes: Buffer): { handshake: JavaHandshake; rest: Buffer } | undefined {
  const fields = newHandshakeFields();
  if (inspectMinecraftJava(bytes, 0, bytes.length, false, fields) !== 'pass' || fields.legacy) return undefined;
  const serverAddress = bytes.toString('utf8', fields.hostStart, fields.hostEnd);
  const handshake = { protocolVersion: fields.protocolVersion, serverAddress, serverPort: fields.port, nextState: fields.nextState };
  return { handshake, rest: bytes.subarray(fields.end) };
}
