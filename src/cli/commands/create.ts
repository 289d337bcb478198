import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, writeJson, writeText } from '../command';
import { UsageError } from '../errors';
import { parseTypeName } from '../../connectors/columnTypeList';
import type { StructField, StructType } from '../../delta/schema';
import { createTable } from '../../delta/transaction/createTable';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'create',
  summary: 'Create an empty Delta table with a schema, partition columns and table properties.',
  positionals: TABLE_POSITIONAL,
  options: {
    schema: { type: 'string', required: true, valueName: 'columns', description: 'columns as "id long not null, name string, ts timestamp, price decimal(10,2)"' },
    'partition-by': { type: 'list', valueName: 'a,b', description: 'partition columns' },
    property: { type: 'list', valueName: 'key=value', description: 'a table property, e.g. delta.enableDeletionVectors=true (repeatable)' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse create ./orders --schema "id long not null, customer string, placed timestamp" --partition-by customer',
    'lakehouse create ./events --schema "id long, payload string" --property delta.enableChangeDataFeed=true --property delta.appendOnly=true',
  ],
});

export const createCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const path = positionals[0] as string;
  const schema = parseSchemaOption(options.schema);
  const partitionBy = options['partition-by'] ?? [];
  const properties = parseProperties(options.property ?? []);
  const { version } = await createTable(path, { schema, partitionColumns: partitionBy, properties });
  const summary = { version, table: path, columns: schema.fields.map((f) => f.name), partitionBy, properties };
  if (options.json) return writeJson(io.stdout, summary);
  await writeText(io.stdout, `Created ${path} (version ${version}) with ${schema.fields.length} column(s)${partitionBy.length > 0 ? `, partitioned by ${partitionBy.join(', ')}` : ''}.\n`);
});

/** `name type [not null], ...`: the column list of CREATE TABLE, primitive and decimal types. */
function parseSchemaOption(text: string): StructType {
  const fields: StructField[] = splitColumns(text).map((entry) => {
    const match = /^(`[^`]+`|[^\s`]+)\s+(.+?)(\s+not\s+null)?$/i.exec(entry.trim());
    if (!match) throw new UsageError(`--schema entry "${entry.trim()}" is not "<name> <type> [not null]"`, 'create');
    const name = (match[1] as string).replace(/^`|`$/g, '');
    return { name, type: parseTypeName(match[2] as string, '--schema', text), nullable: match[3] === undefined, metadata: {} };
  });
  const names = fields.map((f) => f.name.toLowerCase());
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new UsageError(`--schema names column "${twice}" twice`, 'create');
  return { kind: 'struct', fields };
}

/** Splits on commas outside parentheses, so `decimal(10,2)` stays one entry. */
function splitColumns(text: string): string[] {
  const parts: string[] = [''];
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) parts.push('');
    else parts[parts.length - 1] += char;
  }
  const entries = parts.filter((part) => part.trim() !== '');
  if (entries.length === 0) throw new UsageError('--schema names no column', 'create');
  return entries;
}

function parseProperties(items: readonly string[]): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const item of items) {
    const equals = item.indexOf('=');
    if (equals <= 0) throw new UsageError(`--property expects key=value, got "${item}"`, 'create');
    properties[item.slice(0, equals).trim()] = item.slice(equals + 1).trim();
  }
  return properties;
}
