import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { canonicalNdjson } from './canonicalNdjson';
import type { InteropCorpus, InteropTable, PeerEngine } from './interopCorpus';
import { scanWithOurCli } from './ourScan';

/**
 * One subtest per table and version: our `lakehouse scan` must print exactly the rows the
 * table's own producer reads back. A CLI failure fails the version's subtest with the CLI's
 * message, so the report lists each table and version we cannot read yet.
 */
export async function checkOurReaderAgainstProducer(t: TestContext, corpus: InteropCorpus, producer: PeerEngine): Promise<void> {
  const tables = corpus.tables.filter((table) => table.producer === producer);
  assert.ok(tables.length > 0, `the ${producer} corpus has no tables`);
  for (const table of tables) {
    await t.test(`${producer}/${table.name} [${table.features.join(', ')}]`, async (tt) => {
      for (const version of table.versions) {
        await tt.test(`v${version}`, async () => {
          const expected = producerDump(corpus, table, version);
          const ours = await scanWithOurCli(table.path, version);
          assert.ok(ours.ok, `lakehouse scan failed on ${producer}/${table.name} v${version}: ${ours.ok ? '' : ours.message}`);
          assert.deepEqual(canonicalNdjson(ours.stdout), expected);
        });
      }
    });
  }
}

/** The rows the producer itself reads: the reference every other reader is held to. */
export function producerDump(corpus: InteropCorpus, table: InteropTable, version: number): string[] {
  const dump = corpus.dump(table.producer, table, version);
  assert.ok(dump.ok, `${table.producer} cannot read its own table ${table.name} v${version}: ${dump.ok ? '' : dump.message}`);
  return canonicalNdjson(dump.text);
}
