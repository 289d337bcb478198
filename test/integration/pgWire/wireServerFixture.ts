import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type pg from 'pg';

/** What a PostgreSQL-wire test file works with; `server` stays undefined when the server is not installed (outside CI). */
export interface WireServerFixture<S> {
  server: S | undefined;
  /** The client that created the source tables. */
  admin: pg.Client;
  /** A temp dir for the Delta tables, removed after the file's tests. */
  dir: string;
}

/**
 * Registers the file's before/after hooks: a temp dir, the server started by `start` and seeded
 * through its first client; after the tests the server is stopped and the dir removed.
 */
export function wireServerFixture<S extends { client(): Promise<pg.Client>; stop(): Promise<void> }>(
  name: string,
  start: () => Promise<S | undefined>,
  seed: (admin: pg.Client) => Promise<void>,
): WireServerFixture<S> {
  const fixture = { server: undefined, dir: '' } as WireServerFixture<S>;
  before(async () => {
    fixture.dir = mkdtempSync(join(tmpdir(), `lakehouse-${name}-test-`));
    fixture.server = await start();
    if (!fixture.server) return;
    fixture.admin = await fixture.server.client();
    await seed(fixture.admin);
  });
  after(async () => {
    await fixture.server?.stop();
    rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
