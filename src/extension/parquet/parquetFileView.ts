import type { FileMetaData, SchemaElement, Statistics } from 'hyparquet';
import type { ParquetRowGroupView, ParquetSchemaLeaf } from '../../../webview/protocol/parquetFile';

/** The leaf columns of a Parquet schema with their dotted paths (the footer lists it depth-first). */
export function parquetSchemaLeaves(metadata: FileMetaData): ParquetSchemaLeaf[] {
  const leaves: ParquetSchemaLeaf[] = [];
  let index = 1;
  const visit = (count: number, parent: string[]): void => {
    for (let i = 0; i < count; i += 1) {
      const element = metadata.schema[index] as SchemaElement;
      index += 1;
      const path = [...parent, element.name];
      if (element.num_children) visit(element.num_children, path);
      else {
        leaves.push({
          path: path.join('.'), physicalType: element.type ?? '', repetition: element.repetition_type ?? '',
          logicalType: element.logical_type?.type ?? element.converted_type ?? '',
        });
      }
    }
  };
  visit(metadata.schema[0]?.num_children ?? 0, []);
  return leaves;
}

/** Row groups with each column chunk's codec, size and statistics (min/max as display text). */
export function parquetRowGroups(metadata: FileMetaData): ParquetRowGroupView[] {
  return metadata.row_groups.map((group, index) => ({
    index, numRows: Number(group.num_rows), totalBytes: Number(group.total_byte_size),
    columns: group.columns.map((chunk) => {
      const meta = chunk.meta_data;
      const stats = meta?.statistics;
      const min = stats?.min_value ?? stats?.min;
      const max = stats?.max_value ?? stats?.max;
      return {
        path: meta?.path_in_schema.join('.') ?? '', codec: meta?.codec ?? '',
        compressedBytes: Number(meta?.total_compressed_size ?? 0),
        ...(min !== undefined ? { min: statText(min) } : {}),
        ...(max !== undefined ? { max: statText(max) } : {}),
        ...(stats?.null_count !== undefined ? { nullCount: Number(stats.null_count) } : {}),
      };
    }),
  }));
}

function statText(value: NonNullable<Statistics['min']>): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  return String(value);
}
