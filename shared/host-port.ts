/** `1.2.3.4:80`, or `[::1]:80` for IPv6. */
export function formatHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
