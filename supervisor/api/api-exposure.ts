import { isIP } from 'node:net';
import type { ApiConfig } from '../../shared/config/resolved-types.js';

/** The keys shipped in configs/global.yaml: fine on loopback, never on a reachable address. */
const EXAMPLE_KEY_PATTERN = /change_me|xxxxxxxx/i;

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export function assertSafeApiExposure(api: ApiConfig): void {
  if (!api.enabled || isLoopback(api.host)) return;
  const example = api.apiKeys.find((k) => EXAMPLE_KEY_PATTERN.test(k.key));
  if (example !== undefined) {
    throw new Error(`api.bind ${api.bind} is reachable from the network but API key "${example.label}" is the shipped example; set your own keys in global.yaml`);
  }
}
