/**
 * A saved PostgreSQL connection: where and as whom, never the password (that lives in
 * SecretStorage under `passwordKey`). Pure, so the URL and key rules are unit-tested.
 */
export interface PgConnectionProfile {
  /** Unique among the saved connections; the label in the Connections view. */
  name: string;
  /** A host name or address, or the directory of a unix socket (starts with '/'). */
  host: string;
  port: number;
  database: string;
  user: string;
}

export const DEFAULT_PG_PORT = 5432;

/** The libpq URL the engine takes, without a password (pipelines are shared files). */
export function profileUrl(profile: PgConnectionProfile): string {
  const host = profile.host.startsWith('/') ? encodeURIComponent(profile.host)
    : profile.host.includes(':') ? `[${profile.host}]` : profile.host;
  return `postgresql://${encodeURIComponent(profile.user)}@${host}:${profile.port}/${encodeURIComponent(profile.database)}`;
}

/** The connection a URL points at, for finding its saved password; undefined when it is not a URL. */
export function endpointOfUrl(url: string): Omit<PgConnectionProfile, 'name'> | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') return undefined;
  const host = decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1');
  const user = decodeURIComponent(parsed.username);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
  return { host, port: parsed.port ? Number(parsed.port) : DEFAULT_PG_PORT, database, user };
}

/**
 * The SecretStorage key of a connection's password. Keyed by endpoint rather than by name, so a
 * pipeline file (which holds only the URL) finds the password its connection saved.
 */
export function passwordKey(endpoint: Omit<PgConnectionProfile, 'name'>): string {
  return `lakehouse.postgres.password:${endpoint.user}@${endpoint.host}:${endpoint.port}/${endpoint.database}`;
}

/** The saved list from settings, entries that are not a complete profile dropped (settings are hand-editable). */
export function parseProfiles(raw: unknown): PgConnectionProfile[] {
  if (!Array.isArray(raw)) return [];
  const profiles: PgConnectionProfile[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { name, host, port, database, user } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof host !== 'string' || typeof database !== 'string' || typeof user !== 'string') continue;
    const portNumber = port === undefined ? DEFAULT_PG_PORT : port;
    if (typeof portNumber !== 'number' || !Number.isInteger(portNumber) || portNumber <= 0 || portNumber > 65535) continue;
    if (profiles.some((p) => p.name === name)) continue;
    profiles.push({ name, host, port: portNumber, database, user });
  }
  return profiles;
}

/** Why a port typed in the wizard is not one, or undefined when it is. */
export function portProblem(text: string): string | undefined {
  return /^\d{1,5}$/.test(text.trim()) && Number(text) > 0 && Number(text) <= 65535 ? undefined : 'A port is a number from 1 to 65535.';
}
