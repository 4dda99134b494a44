// The JSON of a Minecraft Java status response, for the statuses the proxy makes itself (offline,
// unknown host). Cached statuses are the backend's own JSON, passed on untouched.

export interface StatusFields {
  motd: string;
  versionName: string;
  protocol: number;
  maxPlayers: number;
  onlinePlayers: number;
  /** `data:image/png;base64,...` or null. */
  favicon: string | null;
}

export function statusJson(fields: StatusFields): string {
  const status: Record<string, unknown> = {
    version: { name: fields.versionName, protocol: fields.protocol },
    players: { max: fields.maxPlayers, online: fields.onlinePlayers, sample: [] },
    description: { text: fields.motd },
  };
  if (fields.favicon !== null) status.favicon = fields.favicon;
  return JSON.stringify(status);
}
