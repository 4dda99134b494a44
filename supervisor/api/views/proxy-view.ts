import type { ProxyController } from '../../workers/proxy-controller.js';
import { proxyCounterFields } from './counter-fields.js';
import { listenerViews } from './listener-view.js';

/** The JSON an operator sees for one proxy in `GET /api/proxies`. */
export function proxyView(controller: ProxyController) {
  const config = controller.config;
  return {
    name: controller.displayName,
    description: config?.description ?? '',
    tags: config?.metadata.tags ?? [],
    l7_enabled: config?.l7.enabled ?? false,
    enabled: config?.enabled ?? false,
    state: controller.state,
    pid: controller.runningWorker?.pid ?? null,
    config_path: controller.file,
    protocol: config?.protocol ?? null,
    data_path: config?.dataPath ?? null,
    origin_ports: config?.originPorts ?? [],
    listeners: listenerViews(controller),
    restarts: controller.restarts,
    next_restart_at: controller.nextRestartAt,
    started_at: controller.startedAt,
    last_error: controller.lastError,
    config_errors: controller.configIssues.map((i) => ({ path: i.path, message: i.message })),
    ...proxyCounterFields(controller),
    suspended_reason: controller.suspendedReason,
  };
}
