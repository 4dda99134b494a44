// Numbers as an operator reads them.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(value: number): string {
  let n = value;
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(n) : n.toFixed(n < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

export function rate(bytesPerSecond: number): string {
  return `${bytes(bytesPerSecond)}/s`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function perSecond(value: number): string {
  return value === 0 ? '0/s' : `${value < 10 ? value.toFixed(1) : Math.round(value)}/s`;
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${s % 60}s`;
  return `${s}s`;
}

export function time(iso: string | Date | null): string {
  if (iso === null) return '—';
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

export function dateTime(iso: string | null): string {
  if (iso === null) return '—';
  return new Date(iso).toLocaleString('en-GB', { hour12: false });
}
