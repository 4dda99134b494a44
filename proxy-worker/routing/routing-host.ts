// The host a connection asks for, as routes match it.

/** Forge appends `\0FML\0` (or `\0FML2\0`, `\0FML3\0`); TCPShield/RealIP forwarding appends `///ip:port///time`. */
const FORWARDING_SEPARATOR = '///';

/**
 * The host name in a Minecraft handshake's server address, without the Forge marker or the
 * forwarding suffix (the bytes sent to the backend keep both).
 */
export function minecraftRouteHost(serverAddress: string): string {
  let end = serverAddress.length;
  const nul = serverAddress.indexOf('\0');
  if (nul >= 0) end = nul;
  const forwarded = serverAddress.indexOf(FORWARDING_SEPARATOR);
  if (forwarded >= 0 && forwarded < end) end = forwarded;
  return serverAddress.slice(0, end);
}
