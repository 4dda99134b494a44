export interface ProxyYamlOptions {
  name: string;
  originPorts: number[] | string;
  destPorts: number[] | string;
  destIps?: string;
  originIps?: string;
  protocol?: 'tcp' | 'udp' | 'tcp-udp';
  oneToOne?: boolean;
  enabled?: boolean;
  /** Extra YAML blocks appended verbatim (timeouts:, connection_draining:, ...). */
  extra?: string;
}

function portSpec(ports: number[] | string): string {
  if (typeof ports === 'string') return ports;
  return ports.length === 1 ? String(ports[0]) : `${ports[0]}:${ports[ports.length - 1]}`;
}

/** A proxy file as an operator would write it. */
export function proxyYaml(o: ProxyYamlOptions): string {
  return `# test proxy ${o.name}
name: "${o.name}"
enabled: ${o.enabled ?? true}
origin-ip: "${o.originIps ?? '127.0.0.1'}"
origin-port: "${portSpec(o.originPorts)}"
dest-ip: "${o.destIps ?? '127.0.0.1'}"
dest-port: "${portSpec(o.destPorts)}"
protocol: "${o.protocol ?? 'tcp'}"
one-to-one: ${o.oneToOne ?? false}
${o.extra ?? ''}
`;
}
