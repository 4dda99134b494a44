import type { ProxyConfig } from '../../shared/config/resolved-types.js';
import type { ProxyFile } from '../config/proxy-directory.js';

/** The valid, enabled data_path: kernel proxies among the files read. */
export function kernelConfigsOf(files: readonly ProxyFile[]): ProxyConfig[] {
  return files.flatMap((f) => (f.config !== undefined && f.issues.length === 0 && f.config.enabled && f.config.dataPath === 'kernel' ? [f.config] : []));
}
