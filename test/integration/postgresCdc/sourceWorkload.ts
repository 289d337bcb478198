import type pg from 'pg';

/** A value large and random enough to be stored out of line (TOASTed), not just compressed. */
export const LARGE_VALUE = "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 300))";

/**
 * Random single- and multi-statement transactions on a workload table until stopped: inserts, updates that
 * leave the large value unchanged, updates of it, primary-key changes and deletes.
 */
export class SourceWorkload {
  private stopped = false;
  private nextId: number;
  transactions = 0;
  /** Milliseconds between transactions, to bound the load. */
  pauseMs = 0;
  private readonly running: Promise<void>;

  constructor(private readonly client: pg.Client, private readonly table: string, private readonly existingIds: number, firstFreeId: number) {
    this.nextId = firstFreeId;
    this.running = this.loop();
  }

  async stop(): Promise<number> {
    this.stopped = true;
    await this.running;
    return this.transactions;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const statements = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => this.statement());
      await this.client.query(`BEGIN; ${statements.join('; ')}; COMMIT`);
      this.transactions++;
      if (this.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }

  private statement(): string {
    // A random existing row through the primary key index (ORDER BY random() would sort the table).
    const pick = `(SELECT id FROM ${this.table} WHERE id >= ${1 + Math.floor(Math.random() * (Math.random() < 0.8 ? this.existingIds : this.nextId))} ORDER BY id LIMIT 1)`;
    const r = Math.random();
    if (r < 0.3) {
      const id = this.nextId++;
      const payload = Math.random() < 0.3 ? LARGE_VALUE : `'small ${id}'`;
      return `INSERT INTO ${this.table} (id, name, payload, qty) VALUES (${id}, 'new ${id}', ${payload}, ${id % 1000}.25)`;
    }
    if (r < 0.55) return `UPDATE ${this.table} SET name = name || '+', qty = qty + 1, updated_at = clock_timestamp() WHERE id = ${pick}`;
    if (r < 0.65) return `UPDATE ${this.table} SET payload = ${LARGE_VALUE} WHERE id = ${pick}`;
    if (r < 0.75) return `UPDATE ${this.table} SET id = ${this.nextId++}, name = name || ' moved' WHERE id = ${pick}`;
    if (r < 0.85) return `UPDATE ${this.table} SET payload = NULL WHERE id = ${pick}`;
    return `DELETE FROM ${this.table} WHERE id = ${pick}`;
  }
}
