// Every error code RouteX gives out, declared once: the code, what it means (the default message),
// and the HTTP status the API answers with when the error reaches it. Codes cross the worker IPC
// and the API unchanged; the README's error table is generated from this list (`npm run docs`).
// Adding one: an entry here, then `new RoutexError('ERR_…')` (or `ApiError`) where it happens.

export interface ErrorCodeSpec {
  /** What went wrong, as a sentence an operator can act on; the message when none is given. */
  message: string;
  /** The API's status for it; absent for errors that never reach the API as a response. */
  status?: number;
}

export const ERROR_CODES = {
  // Configuration files and API bodies
  ERR_CONFIG_INVALID: { status: 400, message: 'The configuration is invalid; each problem names the file, the field path and the reason.' },
  ERR_ACL_INVALID: { status: 400, message: 'The ACL or rule in the request is invalid.' },
  ERR_ACL_CIDR_REQUIRED: { status: 400, message: 'The cidr query parameter is required.' },
  ERR_ACL_FILE_INVALID: { status: 409, message: 'The file an ACL change would edit has errors of its own (fix them first), or could not be edited within 10 s.' },
  // API requests
  ERR_AUTH_MISSING_KEY: { status: 401, message: 'An API key is required (X-API-Key header, Authorization: Bearer, or ?api_key=).' },
  ERR_AUTH_INVALID_KEY: { status: 401, message: 'The API key is not one of the configured keys.' },
  ERR_AUTH_FORBIDDEN: { status: 403, message: 'The API key lacks the permission the route needs.' },
  ERR_BODY_EMPTY: { status: 400, message: 'The request body is empty.' },
  ERR_BODY_NOT_OBJECT: { status: 400, message: 'The body must be one JSON object.' },
  ERR_BODY_NOT_JSON: { status: 400, message: 'The body must be JSON (Content-Type: application/json).' },
  ERR_BODY_INVALID_JSON: { status: 400, message: 'The body is not valid JSON.' },
  ERR_BODY_TOO_COMPLEX: { status: 400, message: 'The body breaks a document limit (nesting, keys, items, values, aliases), or its config could not be checked within 10 s.' },
  ERR_BODY_TOO_LARGE: { status: 413, message: 'The body is larger than api.max_body_bytes.' },
  ERR_BODY_ENCODING: { status: 415, message: 'The body\'s encoding or charset is not supported.' },
  ERR_REQUEST_INVALID: { status: 400, message: 'The request is malformed.' },
  ERR_QUERY_INVALID: { status: 400, message: 'A query parameter is out of range or not a number.' },
  ERR_INVALID_ID: { status: 400, message: 'Not a connection id.' },
  ERR_INVALID_UPSTREAM: { status: 400, message: 'Not an upstream IP, ip:port or [ipv6]:port.' },
  ERR_METRICS_FORMAT_UNKNOWN: { status: 400, message: 'Unknown metrics format: use json, prometheus, influx or csv.' },
  ERR_METRICS_FORMAT_NOT_SERVED: { status: 406, message: 'The format is not in metrics.formats; error.details.allowed lists those served.' },
  ERR_BAN_TARGET_INVALID: { status: 400, message: 'Not an IP address or a CIDR network to ban.' },
  ERR_BAN_DURATION_INVALID: { status: 400, message: 'The ban duration must be a positive duration like 30m, 2h or 90 (seconds).' },
  ERR_BAN_NOT_FOUND: { status: 404, message: 'That IP or network is not banned.' },
  ERR_NOT_FOUND: { status: 404, message: 'No such route.' },
  ERR_PROXY_NOT_FOUND: { status: 404, message: 'No proxy has that name.' },
  ERR_CONNECTION_NOT_FOUND: { status: 404, message: 'No open connection or UDP session has that id.' },
  ERR_PROXY_EXISTS: { status: 409, message: 'A proxy with that name already exists.' },
  ERR_PROXY_FILE_EXISTS: { status: 409, message: 'The proxy\'s file already exists in the proxies folder.' },
  ERR_PROXY_FILE_INVALID: { status: 409, message: 'The proxy\'s file does not read as YAML within the document limits, so it cannot be edited (fix the file or replace it with PUT), or it could not be edited within 10 s.' },
  ERR_PROXY_CONFLICT: { status: 409, message: 'The config clashes with another proxy (name or listener).' },
  ERR_PROXY_NOT_RUNNING: { status: 409, message: 'The proxy is not running, so its worker cannot answer.' },
  ERR_PROXY_NOT_RUNNABLE: { status: 409, message: 'The proxy is disabled or invalid; enable or fix it first.' },
  ERR_WORKER_UNAVAILABLE: { status: 503, message: 'The proxy\'s worker did not answer (it exited or timed out); retry. error.details.cause has the IPC code.' },
  ERR_SHUTTING_DOWN: { status: 503, message: 'RouteX is shutting down and checks no more configs.' },
  ERR_DASHBOARD_NOT_BUILT: { status: 503, message: 'The dashboard\'s files are not built; run npm run build.' },
  ERR_CLUSTER_UNAVAILABLE: { status: 503, message: 'The cluster\'s Redis is unreachable, and this change needs it (a cluster-wide quota reset); nothing was changed, retry when it is back.' },
  ERR_INTERNAL: { status: 500, message: 'Internal error; the supervisor\'s log has the details.' },
  // The supervisor
  ERR_API_START: { message: 'The API cannot start: its TLS files are unreadable or invalid, or it cannot listen on api.bind.' },
  ERR_CLI_USAGE: { message: 'The command line is wrong; routex --help lists the commands and flags.' },
  ERR_CLUSTER_START: { message: 'The cluster cannot start: a file named in cluster.redis (password_file, a TLS file) is unreadable or empty.' },
  // Workers: shown in a proxy's last_error
  ERR_LISTEN_ADDRESS_IN_USE: { message: 'A listener\'s ip:port is taken by another process (EADDRINUSE).' },
  ERR_LISTEN_PERMISSION_DENIED: { message: 'A listener\'s port needs a privilege RouteX lacks (EACCES: ports below 1024 need CAP_NET_BIND_SERVICE).' },
  ERR_LISTEN_ADDRESS_NOT_AVAILABLE: { message: 'A listener\'s IP is not an address of this host (EADDRNOTAVAIL).' },
  ERR_LISTEN_FAILED: { message: 'A listener could not be opened for another reason; the message has the system error.' },
  ERR_WORKER_START_FAILED: { message: 'The worker could not start its proxy; the message says why.' },
  ERR_WORKER_START_TIMEOUT: { message: 'The worker did not report ready in time; it was killed and will be restarted.' },
  ERR_WORKER_CRASHED: { message: 'The worker exited unexpectedly; it is restarted with backoff.' },
  ERR_WORKER_NOT_STARTED: { message: 'The worker has no running proxy yet.' },
  // Kernel rules (iptables, nftables, ipset)
  ERR_IPTABLES_DISABLED: { status: 409, message: 'RouteX manages no kernel rules: iptables.enabled is false in global.yaml.' },
  ERR_IPTABLES_UNAVAILABLE: { status: 409, message: 'RouteX cannot manage kernel rules here (not root or CAP_NET_ADMIN, or iptables missing); the message says why.' },
  ERR_IPTABLES_COMMAND: { message: 'An iptables, ip6tables, nft or ipset command failed; the message has its output. The proxy runs without kernel rules.' },
  ERR_KERNEL_PATH_UNAVAILABLE: { message: 'A data_path: kernel proxy cannot start here: nft is missing, RouteX lacks root or CAP_NET_ADMIN, or a sysctl it needs is off; the message says which. Other proxies run.' },
  ERR_KERNEL_PATH_COMMAND: { message: 'An nft or conntrack command of the kernel path failed; the message has its output.' },
  ERR_IPTABLES_CHAINS_MISSING: { message: 'RouteX\'s input chain or the jump to it from INPUT is missing and iptables.auto_create_chains is false.' },
  // The supervisor ↔ worker channel
  ERR_IPC_NO_WORKER: { message: 'The worker is not running (it exited before answering).' },
  ERR_IPC_TIMEOUT: { message: 'The worker did not answer a request in time.' },
  ERR_IPC_UNKNOWN_REQUEST: { message: 'The worker does not know the request (supervisor and worker from different versions).' },
} as const satisfies Record<`ERR_${string}`, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** The HTTP status of a code: its own, or 500 for codes that should never reach the API. */
export function statusOf(code: ErrorCode): number {
  const spec: ErrorCodeSpec = ERROR_CODES[code];
  return spec.status ?? 500;
}
