// offline_status.favicon: a PNG file turned into the data URI a Minecraft status carries. Read when
// the config is loaded (workers never read files), checked so that a client really shows it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fail, ok, type Parsed } from './parsed.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SIDE = 64;
/** The status JSON is a protocol string of at most 32,767 characters; base64 grows by 4/3. */
export const MAX_FAVICON_BYTES = 20_000;

/** Where a favicon path points: relative paths are from the proxy file's folder. */
export function faviconPath(favicon: string, proxyFile: string): Parsed<string> {
  if (path.isAbsolute(favicon)) return ok(favicon);
  if (!path.isAbsolute(proxyFile)) return fail(`"${favicon}" is relative, and this config has no folder to resolve it from: write an absolute path`);
  return ok(path.resolve(path.dirname(proxyFile), favicon));
}

/** The file as `data:image/png;base64,...`, or why a client could not show it. */
export function readFavicon(file: string): Parsed<string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return fail(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes.length > MAX_FAVICON_BYTES) return fail(`${file} is ${bytes.length} bytes; a favicon must be at most ${MAX_FAVICON_BYTES} bytes to fit in a status`);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    return fail(`${file} is not a PNG image`);
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width !== SIDE || height !== SIDE) return fail(`${file} is ${width}×${height}; Minecraft shows only 64×64 favicons`);
  return ok(`data:image/png;base64,${bytes.toString('base64')}`);
}
