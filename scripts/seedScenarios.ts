// The product's starting scenarios (../shared/seed) as demo data, made by our own CLI commands: a
// telecom company moving an `orders` table from PostgreSQL, a Snowflake `customer_churn` offload, a
// Parquet `raw_orders` lake converted and Z-ordered by order_id, and a Kafka `order_fallouts`
// stream landing as micro-batches. `npm start` adds them beside the Spark-written demo tables, so
// a newcomer has each path of the product to try: the landing files to import, a Parquet lake to
// convert, a stream's small files to compact, history to time-travel and diff.
// Usage: node --import tsx scripts/seedScenarios.ts <demo lakehouse folder>
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../src/cli/runCli';

/** What each scenario leaves in the demo folder. */
export const SCENARIO_PATHS = {
  /** PostgreSQL `orders`, a snapshot then a MERGE of captured changes (Change Data Feed on). */
  orders: 'orders',
  /** The Snowflake offload as Snowflake's COPY INTO @stage writes it: CSV with a header. */
  churnExport: 'landing/customer_churn.csv',
  /** That export imported with declared types. */
  churn: 'churn_analysis',
  /** A Hive-partitioned Parquet lake (no Delta log): right-click it, Convert to Delta. */
  rawOrders: 'raw_orders',
  /** A copy of raw_orders converted in place, then Z-ordered by order_id. */
  ordersDelta: 'orders_delta',
  /** The Kafka topic's micro-batches as NDJSON files. */
  falloutBatches: 'landing/order_fallouts',
  /** One small commit per micro-batch, as a streaming sink leaves it: a table to compact. */
  fallouts: 'order_fallouts',
} as const;

/** NDJSON carries no decimal or timestamp: the columns' types as the source database had them. */
const ORDER_TYPES = 'order_id long, customer_id long, amount decimal(10,2), updated_at timestamp';
const ORDERS = 2_000;
const RAW_ORDER_WRITES = 6;
const RAW_ORDERS_PER_WRITE = 2_000;
const FALLOUT_BATCHES = 12;
const REGIONS = ['north', 'south', 'east', 'west'];
const STATUSES = ['created', 'provisioning', 'active', 'cancelled'];
const PLANS = ['fiber-100', 'fiber-500', 'mobile-s', 'mobile-l', 'tv-basic'];

/** Creates every scenario under `root` (each replaced when present); returns the paths made. */
export async function addSeedScenarios(root: string): Promise<Record<keyof typeof SCENARIO_PATHS, string>> {
  const at = (key: keyof typeof SCENARIO_PATHS): string => join(root, SCENARIO_PATHS[key]);
  for (const key of Object.keys(SCENARIO_PATHS) as (keyof typeof SCENARIO_PATHS)[]) rmSync(at(key), { recursive: true, force: true });
  mkdirSync(join(root, 'landing'), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'lakehouse-seed-'));
  try {
    await postgresOrders(at('orders'), scratch);
    await snowflakeChurn(at('churnExport'), at('churn'));
    await parquetLake(at('rawOrders'), at('ordersDelta'), scratch);
    await kafkaFallouts(at('falloutBatches'), at('fallouts'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return Object.fromEntries(Object.keys(SCENARIO_PATHS).map((key) => [key, at(key as keyof typeof SCENARIO_PATHS)])) as Record<keyof typeof SCENARIO_PATHS, string>;
}

/** Scenario 1: the snapshot of a PostgreSQL table, then one batch of captured changes merged by key. */
async function postgresOrders(table: string, scratch: string): Promise<void> {
  const random = seeded(1);
  await lakehouse('create', table, '--schema', 'order_id long not null, customer_id long, region string, plan string, status string, amount decimal(10,2), updated_at timestamp',
    '--property', 'delta.enableChangeDataFeed=true');
  const rows = Array.from({ length: ORDERS }, (_, i) => order(i + 1, random, Date.UTC(2024, 0, 1) + i * 60_000));
  const snapshot = join(scratch, 'orders_snapshot.ndjson');
  writeFileSync(snapshot, ndjson(rows));
  await lakehouse('write', table, '--from', snapshot);
  await lakehouse('constraint', 'add', table, 'amount_not_negative', 'amount >= 0');
  // What logical replication captured afterwards: status changes, new orders, cancelled ones removed.
  const changes: object[] = [];
  for (let id = 5; id <= ORDERS; id += 20) changes.push({ ...order(id, random, Date.UTC(2024, 1, 1) + id * 1000), status: 'active', op: 'U' });
  for (let id = 11; id <= ORDERS; id += 97) if (id % 20 !== 5) changes.push({ ...order(id, random, Date.UTC(2024, 1, 2)), op: 'D' });
  for (let id = ORDERS + 1; id <= ORDERS + 150; id++) changes.push({ ...order(id, random, Date.UTC(2024, 1, 3) + id * 1000), op: 'I' });
  const feed = join(scratch, 'orders_changes.ndjson');
  writeFileSync(feed, ndjson(changes));
  const columns = ['customer_id', 'region', 'plan', 'status', 'amount', 'updated_at'];
  await lakehouse('merge', table, '--source', feed, '--key', 'order_id',
    '--when-matched-delete', "s.op = 'D'",
    '--when-matched-update', 'TRUE', '--set', columns.map((c) => `${c} = s.${c}`).join(', '),
    '--when-not-matched-insert', "s.op <> 'D'", '--values', ['order_id', ...columns].map((c) => `${c} = s.${c}`).join(', '));
}

/** Scenario 2: `SELECT * FROM customer_churn` offloaded from Snowflake as CSV, imported with declared types. */
async function snowflakeChurn(csv: string, table: string): Promise<void> {
  const random = seeded(2);
  const lines = ['CUSTOMER_ID,REGION,PLAN,TENURE_MONTHS,MONTHLY_CHARGES,SUPPORT_CALLS,CHURNED,LAST_BILL_DATE'];
  for (let id = 1; id <= 5_000; id++) {
    const tenure = Math.floor(random() * 72);
    const calls = Math.floor(random() * 9);
    const churned = random() < 0.08 + calls * 0.04 - tenure * 0.001;
    const day = 1 + Math.floor(random() * 28);
    lines.push([id, pick(REGIONS, random), pick(PLANS, random), tenure, (20 + random() * 100).toFixed(2), calls, churned ? 'TRUE' : 'FALSE', `2024-03-${String(day).padStart(2, '0')}`].join(','));
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
  await lakehouse('import', csv, '--to', table, '--mode', 'overwrite',
    '--schema', 'CUSTOMER_ID long, TENURE_MONTHS int, MONTHLY_CHARGES decimal(8,2), SUPPORT_CALLS int, CHURNED boolean, LAST_BILL_DATE date');
}

/**
 * Scenario 3: a Parquet lake partitioned by region, several files per partition with order ids in
 * every range (the layout Z-order improves). Written as a Delta table whose log is then dropped, so
 * the files are ours; a copy is converted in place and Z-ordered by order_id.
 */
async function parquetLake(lake: string, converted: string, scratch: string): Promise<void> {
  const random = seeded(3);
  const staging = join(scratch, 'raw_orders');
  for (let write = 0; write < RAW_ORDER_WRITES; write++) {
    const rows = Array.from({ length: RAW_ORDERS_PER_WRITE }, () => order(1 + Math.floor(random() * 1_000_000), random, Date.UTC(2023, 0, 1) + write * 86_400_000));
    const batch = join(scratch, `raw_orders_${write}.ndjson`);
    writeFileSync(batch, ndjson(rows));
    await lakehouse('import', batch, '--to', staging, '--partition-by', 'region', '--schema', ORDER_TYPES);
  }
  rmSync(join(staging, '_delta_log'), { recursive: true });
  renameSync(staging, lake);
  cpSync(lake, converted, { recursive: true });
  await lakehouse('convert', converted, '--partition-by', 'region STRING');
  await lakehouse('optimize', converted, '--zorder-by', 'order_id');
}

/** Scenario 4: the `order_fallouts` topic's messages, one NDJSON file and one append per micro-batch. */
async function kafkaFallouts(batches: string, table: string): Promise<void> {
  const random = seeded(4);
  mkdirSync(batches, { recursive: true });
  const reasons = [[101, 'address not serviceable'], [204, 'credit check failed'], [317, 'port-in rejected'], [402, 'equipment out of stock'], [550, 'technician no-show']] as const;
  for (let batch = 0; batch < FALLOUT_BATCHES; batch++) {
    const messages = Array.from({ length: 40 + Math.floor(random() * 40) }, (_, i) => {
      const [code, reason] = pick(reasons, random);
      return { order_id: `ORD-${String(1 + Math.floor(random() * ORDERS)).padStart(6, '0')}`, status: 'fallout', error_code: code, reason,
        kafka_offset: batch * 100 + i, event_time: new Date(Date.UTC(2024, 2, 1, 9) + (batch * 100 + i) * 7_000).toISOString() };
    });
    const file = join(batches, `batch-${String(batch).padStart(4, '0')}.ndjson`);
    writeFileSync(file, ndjson(messages));
    await lakehouse('import', file, '--to', table, '--schema', 'error_code int, kafka_offset long, event_time timestamp', ...(batch === 0 ? ['--partition-by', 'status'] : []));
  }
}

function order(id: number, random: () => number, updated: number): Record<string, unknown> {
  return {
    order_id: id, customer_id: 1 + Math.floor(random() * 5_000), region: pick(REGIONS, random), plan: pick(PLANS, random),
    status: pick(STATUSES, random), amount: (random() * 300).toFixed(2), updated_at: new Date(updated).toISOString(),
  };
}

function ndjson(rows: readonly object[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)] as T;
}

/** A small deterministic generator (xorshift32): the demo is the same on every machine. */
function seeded(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

/** Runs one `lakehouse` command in this process; a failure stops the demo with the command's error. */
async function lakehouse(...args: string[]): Promise<void> {
  let errors = '';
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const stderr = new Writable({ write: (chunk: Buffer, _encoding, done) => { errors += chunk.toString(); done(); } });
  const code = await runCli(args, { stdout: quiet, stderr, stdoutIsTTY: false, stderrIsTTY: false, signal: new AbortController().signal });
  if (code !== 0) throw new Error(`lakehouse ${args.join(' ')} failed (exit ${code}):\n${errors}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(process.argv[2] ?? 'demo-lakehouse');
  for (const [name, path] of Object.entries(await addSeedScenarios(root))) console.log(`${name}\t${path}`);
}
