import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, writeJson, writeText } from '../command';
import { DeltaTable } from '../../delta/table';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'history',
  summary: 'List the commits of a table, newest first (like DESCRIBE HISTORY).',
  positionals: TABLE_POSITIONAL,
  options: {
    limit: { type: 'integer', min: 1, description: 'only the newest N versions', valueName: 'N' },
    ...JSON_OPTION,
  },
});

export const historyCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const table = await DeltaTable.open(positionals[0] as string);
  const entries = await table.history(options.limit !== undefined ? { limit: options.limit } : {});
  if (options.json) {
    return writeJson(io.stdout, entries.map((e) => ({ ...e, timestamp: new Date(e.timestamp).toISOString() })));
  }
  const rows = entries.map((e) => [
    String(e.version),
    new Date(e.timestamp).toISOString(),
    e.operation ?? '',
    e.userName ?? '',
    summarise(e.operationParameters),
    summarise(e.operationMetrics),
  ]);
  await writeText(io.stdout, alignColumns([['VERSION', 'TIMESTAMP', 'OPERATION', 'USER', 'PARAMETERS', 'METRICS'], ...rows]));
});

function summarise(values: Record<string, unknown> | undefined): string {
  if (!values) return '';
  return Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

/** Left-aligned text columns separated by two spaces; the last column is not padded. */
export function alignColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}
