import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PEER_SCRIPTS_DIR, REPO_ROOT, runPeerScript } from './peers';

/** Engines that both write tables and read them back for us: the two peers. */
export type PeerEngine = 'deltars' | 'spark';
export const PEER_ENGINES: readonly PeerEngine[] = ['deltars', 'spark'];

/** One table of the corpus, as its manifest (scripts/peers/manifest.py) describes it. */
export interface InteropTable {
  readonly producer: PeerEngine;
  readonly name: string;
  readonly path: string;
  readonly versions: readonly number[];
  readonly features: readonly string[];
}

/** What a peer read at one version: its NDJSON dump, or the error it raised. */
export type PeerDump = { ok: true; text: string } | { ok: false; message: string };

export interface InteropCorpus {
  readonly root: string;
  readonly tables: readonly InteropTable[];
  dump(reader: PeerEngine, table: InteropTable, version: number): PeerDump;
}

const CACHE_DIR = join(REPO_ROOT, '.cache', 'interop-tables');
// Generation (mostly Spark) takes a few minutes on 2 cores; a lock older than this is a dead run's.
const STALE_LOCK_MS = 20 * 60 * 1000;

/**
 * Makes the interop tables and every peer's dump of them once, cached under
 * .cache/interop-tables/<key>, keyed by the peer scripts' text and the peer package versions, so a
 * repeated run costs nothing and a changed script regenerates. Test files run in parallel
 * processes: a lock directory makes one of them build while the others wait.
 */
export async function ensureInteropCorpus(python: string): Promise<InteropCorpus> {
  const key = await corpusKey(python);
  const root = join(CACHE_DIR, key);
  mkdirSync(CACHE_DIR, { recursive: true });
  const lock = `${root}.lock`;
  while (!existsSync(root)) {
    if (tryLock(lock)) {
      try {
        if (!existsSync(root)) await buildCorpus(python, root);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    } else {
      await sleep(2000);
    }
  }
  return openCorpus(root);
}

async function corpusKey(python: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of readdirSync(PEER_SCRIPTS_DIR).filter((file) => file.endsWith('.py')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(PEER_SCRIPTS_DIR, name))).update('\0');
  }
  hash.update(await runPeerScript(python, 'peer_versions.py', []));
  return hash.digest('hex').slice(0, 16);
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

async function buildCorpus(python: string, root: string): Promise<void> {
  const work = `${root}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  await runPeerScript(python, 'build_corpus.py', [work]);
  writeFileSync(join(work, 'complete'), new Date().toISOString());
  renameSync(work, root);
  for (const entry of readdirSync(CACHE_DIR)) {
    const path = join(CACHE_DIR, entry);
    if (path !== root && !path.endsWith('.lock') && !path.includes('.tmp-')) rmSync(path, { recursive: true, force: true });
  }
}

function openCorpus(root: string): InteropCorpus {
  const tables = PEER_ENGINES.flatMap((producer) => {
    const dir = join(root, 'tables', producer);
    return readdirSync(dir)
      .filter((entry) => entry.endsWith('.json'))
      .sort()
      .map((entry) => parseManifest(producer, dir, readFileSync(join(dir, entry), 'utf8')));
  });
  return {
    root,
    tables,
    dump(reader, table, version) {
      const base = join(root, 'dumps', reader, table.producer, table.name, `v${version}`);
      if (existsSync(`${base}.ndjson`)) return { ok: true, text: readFileSync(`${base}.ndjson`, 'utf8') };
      if (existsSync(`${base}.error`)) return { ok: false, message: readFileSync(`${base}.error`, 'utf8').trim() };
      throw new Error(`no ${reader} dump for ${table.producer}/${table.name} v${version} in ${root}`);
    },
  };
}

function parseManifest(producer: PeerEngine, dir: string, text: string): InteropTable {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error(`manifest in ${dir} is not an object`);
  const record = value as Record<string, unknown>;
  const { name, path, versions, features } = record;
  if (typeof name !== 'string' || typeof path !== 'string') throw new Error(`manifest in ${dir} lacks name/path`);
  if (!Array.isArray(versions) || !versions.every((v): v is number => Number.isInteger(v))) {
    throw new Error(`manifest ${name} has bad versions`);
  }
  if (!Array.isArray(features) || !features.every((f): f is string => typeof f === 'string')) {
    throw new Error(`manifest ${name} has bad features`);
  }
  return { producer, name, path: join(dir, path), versions, features };
}
