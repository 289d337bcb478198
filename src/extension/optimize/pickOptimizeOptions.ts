import { basename } from 'node:path';
import * as vscode from 'vscode';
import { formatDataType } from '../../delta/schema';
import { multiPickStep, quickPickStep } from '../commands/quickPickStep';

/** What the user chose for an OPTIMIZE: Z-order columns (none = plain compaction) and a partition filter. */
export interface OptimizeChoice {
  zOrderBy: string[];
  where?: string;
}

/**
 * The OPTIMIZE wizard: compact or Z-order, then (Z-order) the columns, then an optional partition
 * predicate. Z-order offers only top-level non-partition columns, the ones the engine can cluster by.
 */
export async function pickOptimizeOptions(location: string): Promise<OptimizeChoice | undefined> {
  const title = `Optimize ${basename(location)}`;
  const { DeltaTable } = await import('../../delta/table');
  const snapshot = await (await DeltaTable.open(location)).snapshot();
  const partitioned = snapshot.partitionColumns.length > 0;
  const candidates = snapshot.schema.fields.filter((f) => !snapshot.partitionColumns.includes(f.name));
  const mode = await quickPickStep(title, 1, 3, 'What to do', [
    { label: 'Compact', description: 'bin-pack small files to the target size', value: 'compact' as const },
    { label: 'Z-order', description: 'compact and cluster rows by columns, so filters skip more files', value: 'zOrder' as const },
  ]);
  if (!mode) return undefined;
  let zOrderBy: string[] = [];
  if (mode === 'zOrder') {
    const picked = await multiPickStep(title, 2, 3, 'Z-order by (pick one or more columns, most filtered first)',
      candidates.map((f) => ({ label: f.name, description: formatDataType(f.type), value: f.name })), () => false,
      'Pick at least one column (Space to select), then press Enter');
    if (!picked) return undefined;
    zOrderBy = picked;
  }
  const where = await vscode.window.showInputBox({
    title: `${title} (3/3)`,
    prompt: partitioned
      ? `Only partitions matching this predicate on ${snapshot.partitionColumns.join(', ')}; empty for the whole table`
      : 'The table is not partitioned: leave empty to optimize the whole table',
    placeHolder: partitioned ? `${snapshot.partitionColumns[0] ?? 'part'} = 1` : '',
    ignoreFocusOut: true,
  });
  if (where === undefined) return undefined;
  return where.trim() === '' ? { zOrderBy } : { zOrderBy, where: where.trim() };
}
