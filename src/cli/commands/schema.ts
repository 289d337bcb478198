import { dataTypeToJson, formatDataType, type DataType, type StructField } from '../../delta/schema';
import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, writeJson, writeText } from '../command';
import { JSON_OPTION, openSnapshot, TABLE_POSITIONAL, TIME_TRAVEL_OPTIONS } from './tableOptions';

const spec = defineCommand({
  name: 'schema',
  summary: 'Print the schema of a table version as a tree (or as Delta schema JSON with --json).',
  positionals: TABLE_POSITIONAL,
  options: { ...TIME_TRAVEL_OPTIONS, ...JSON_OPTION },
});

export const schemaCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const snapshot = await openSnapshot(positionals[0] as string, options);
  if (options.json) return writeJson(io.stdout, dataTypeToJson(snapshot.schema));
  const partitions = new Set(snapshot.partitionColumns);
  const lines = snapshot.schema.fields.flatMap((field) => fieldLines(field, '', partitions.has(field.name)));
  await writeText(io.stdout, `${lines.join('\n')}\n`);
});

function fieldLines(field: StructField, indent: string, partition: boolean): string[] {
  const nested = nestedStruct(field.type);
  const type = nested ? field.type.kind : formatDataType(field.type);
  const head = `${indent}${field.name}: ${type}${field.nullable ? '' : ' NOT NULL'}${partition ? '  (partition)' : ''}`;
  return [head, ...(nested ? nested.fields.flatMap((child) => fieldLines(child, `${indent}  `, false)) : [])];
}

/** The struct to expand under a field: itself, or the element of an array of structs. */
function nestedStruct(type: DataType): { fields: StructField[] } | undefined {
  if (type.kind === 'struct') return type;
  if (type.kind === 'array' && type.elementType.kind === 'struct') return type.elementType;
  return undefined;
}
