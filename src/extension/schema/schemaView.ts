import { columnMappingId, formatDataType, physicalName, type DataType, type StructType } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { CONSTRAINT_PROPERTY_PREFIX } from '../../delta/write/constraints';
import { DEFAULT_INDEXED_COLUMNS, statsOptionsFromProperties } from '../../delta/write/statsCollector';
import type { SchemaColumnView, SchemaView } from '../../../webview/protocol/schema';

/** Leaf types Delta writers record min/max for; other leaves get null counts only. */
const MIN_MAX_TYPES = new Set(['long', 'integer', 'short', 'byte', 'float', 'double', 'date', 'timestamp', 'timestamp_ntz', 'string']);

/**
 * What the schema panel shows about one version: every column (nested ones below their parent)
 * with type, nullability, column-mapping id and physical name, generation expression, and the
 * statistics writers collect for it, which follow the table's `delta.dataSkipping*` properties the
 * same way our writer's StatsCollector selects leaf columns (partition columns are not in files).
 */
export function schemaView(snapshot: Pick<Snapshot, 'version' | 'schema' | 'partitionColumns' | 'properties' | 'columnMappingMode'>, title: string): SchemaView {
  const mode = snapshot.columnMappingMode;
  const partitions = new Set(snapshot.partitionColumns);
  let statsRule: string;
  let statsColumns: string[][] | undefined;
  let indexed = DEFAULT_INDEXED_COLUMNS;
  try {
    const options = statsOptionsFromProperties(snapshot.properties, false);
    statsColumns = options.statsColumns?.map((c) => c.split('.').map((p) => p.replace(/^`|`$/g, '').toLowerCase()));
    indexed = options.numIndexedCols ?? DEFAULT_INDEXED_COLUMNS;
    statsRule = statsColumns ? `columns listed in delta.dataSkippingStatsColumns (${snapshot.properties['delta.dataSkippingStatsColumns']})`
      : indexed < 0 ? 'every leaf column (delta.dataSkippingNumIndexedCols = -1)'
        : `first ${indexed} leaf columns (delta.dataSkippingNumIndexedCols${snapshot.properties['delta.dataSkippingNumIndexedCols'] === undefined ? ', default' : ''})`;
  } catch (error) {
    statsRule = error instanceof Error ? error.message : String(error);
  }
  const columns: SchemaColumnView[] = [];
  let leafIndex = 0;
  const coverage = (path: string[], type: DataType): SchemaColumnView['stats'] => {
    const index = leafIndex;
    leafIndex += 1;
    const covered = statsColumns
      ? statsColumns.some((wanted) => wanted.every((part, i) => path[i]?.toLowerCase() === part))
      : indexed < 0 || index < indexed;
    if (!covered) return 'none';
    return type.kind === 'decimal' || (type.kind === 'primitive' && MIN_MAX_TYPES.has(type.name)) ? 'minMax' : 'nullCount';
  };
  const visit = (struct: StructType, parent: string[]): void => {
    for (const field of struct.fields) {
      const path = [...parent, field.name];
      const partition = parent.length === 0 && partitions.has(field.name);
      const id = columnMappingId(field);
      const generation = field.metadata['delta.generationExpression'];
      const comment = field.metadata.comment;
      const isStruct = field.type.kind === 'struct';
      columns.push({
        path, type: formatDataType(field.type), nullable: field.nullable, partition,
        ...(id !== undefined ? { mappingId: id } : {}),
        ...(mode !== 'none' ? { physicalName: physicalName(field, mode) } : {}),
        ...(typeof generation === 'string' ? { generationExpression: generation } : {}),
        ...(typeof comment === 'string' ? { comment } : {}),
        // Partition columns are not stored in data files; structs are covered through their leaves.
        stats: partition ? 'partition' : isStruct ? 'none' : coverage(path, field.type),
        nested: isStruct || field.type.kind === 'array' || field.type.kind === 'map',
      });
      if (field.type.kind === 'struct') visit(field.type, path);
    }
  };
  visit(snapshot.schema, []);
  const constraints = Object.keys(snapshot.properties).filter((key) => key.startsWith(CONSTRAINT_PROPERTY_PREFIX)).sort()
    .map((key) => ({ name: key.slice(CONSTRAINT_PROPERTY_PREFIX.length), expression: snapshot.properties[key] as string }));
  return {
    type: 'schema', title, version: snapshot.version, columnMappingMode: mode,
    partitionColumns: snapshot.partitionColumns, columns, constraints, statsRule,
  };
}
