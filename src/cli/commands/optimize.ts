import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { parseByteSize } from '../../ops/optimize/optimizeOptions';
import type { OptimizePlan, OptimizeResult, SkippingFigures } from '../../ops/optimize/optimizePlan';
import { planOptimize } from '../../ops/optimize/planOptimize';
import { runOptimize } from '../../ops/optimize/runOptimize';
import { formatBytes } from '../../util/formatBytes';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'optimize',
  summary: 'Compact small files (bin-packing) or cluster them by Z-order; --dry-run shows the plan and predicted data skipping.',
  positionals: TABLE_POSITIONAL,
  options: {
    'zorder-by': { type: 'list', description: 'Z-order by these data columns (e.g. x,y); plain compaction without it' },
    where: { type: 'string', valueName: 'predicate', description: "only the partitions matching this predicate on partition columns, e.g. \"date >= '2024-01-01'\"" },
    'target-size': { type: 'string', valueName: 'size', description: 'target file size, e.g. 128MiB (default: delta.targetFileSize, else 128 MiB)' },
    'memory-budget': { type: 'string', valueName: 'size', description: 'Arrow data held at once, e.g. 512MiB (default 512 MiB); Z-order spills beyond it' },
    'spill-dir': { type: 'string', valueName: 'dir', description: 'where Z-order spill files go (default: the OS temp dir)' },
    'parallel-decode': { type: 'boolean', description: 'decode small files on a second core too: faster with a free core, about 80 MiB more memory' },
    'dry-run': { type: 'boolean', description: 'print the plan; write nothing' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse optimize ./events --dry-run',
    'lakehouse optimize ./events --zorder-by x,y --dry-run --json',
    "lakehouse optimize ./events --where \"date = '2024-05-01'\" --target-size 64MiB",
  ],
});

export const optimizeCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const optimizeOptions = {
    ...(options['zorder-by'] ? { zOrderBy: options['zorder-by'] } : {}),
    ...(options.where !== undefined ? { where: options.where } : {}),
    ...(options['target-size'] !== undefined ? { targetFileSize: parseByteSize(options['target-size'], '--target-size') } : {}),
    ...(options['memory-budget'] !== undefined ? { memoryBudget: parseByteSize(options['memory-budget'], '--memory-budget') } : {}),
    ...(options['spill-dir'] !== undefined ? { spillDirectory: options['spill-dir'] } : {}),
    ...(options['parallel-decode'] ? { parallelDecode: true } : {}),
    ...operationControls(io),
  };
  // A run keeps the Z-order columns its sampling pass decoded, so they are not decoded twice.
  const plan = await planOptimize(positionals[0] as string, optimizeOptions, { keepZOrderColumns: !options['dry-run'] });
  if (options['dry-run']) {
    if (options.json) await writeJson(io.stdout, plan);
    else await writeText(io.stdout, planText(plan, 'Dry run: nothing was written.'));
    return;
  }
  const result = await runOptimize(positionals[0] as string, { ...optimizeOptions, plan });
  if (options.json) await writeJson(io.stdout, result);
  else await writeText(io.stdout, resultText(result));
});

function planText(plan: OptimizePlan, head: string): string {
  const lines = [
    head,
    `  ${plan.mode === 'zOrder' ? `Z-order by ${plan.zOrderBy.join(', ')}` : 'compaction'} of ${plan.table} at version ${plan.version}${plan.where ? ` where ${plan.where}` : ''}`,
    `  target file size ${formatBytes(plan.targetFileSize)}, memory budget ${formatBytes(plan.memoryBudget)}`,
    `  files: ${plan.fileCountBefore} -> ${plan.fileCountAfter} (remove ${plan.filesToRemove}, add ${plan.filesToAdd}); rewrite ${formatBytes(plan.bytesToRewrite)}`,
  ];
  if (plan.filesAlreadyClustered > 0) lines.push(`  already clustered (left alone): ${plan.filesAlreadyClustered} file(s)`);
  if (plan.bins.length === 0) lines.push('  nothing to do');
  for (const bin of plan.bins.slice(0, 20)) {
    const partition = Object.entries(bin.partition).map(([k, v]) => `${k}=${v ?? 'null'}`).join('/') || '(table)';
    lines.push(`  bin ${partition}: ${bin.files.length} file(s), ${formatBytes(bin.inputBytes)}, ${bin.liveRows} rows -> ${bin.outputFiles} file(s) [${bin.reason}]`);
  }
  if (plan.bins.length > 20) lines.push(`  ... and ${plan.bins.length - 20} more bins (--json lists them all)`);
  if (plan.skipping.length > 0) {
    lines.push('  files read by a typical query (fraction of the table):');
    for (const column of plan.skipping) {
      lines.push(`    ${column.column} range (1% of values): ${figures(column.range)}`);
      lines.push(`    ${column.column} point:                ${figures(column.point)}`);
    }
  }
  lines.push(...plan.notes.map((note) => `  note: ${note}`));
  return `${lines.join('\n')}\n`;
}

function resultText(result: OptimizeResult): string {
  const head = result.version === null
    ? 'Nothing to optimize.'
    : `Optimized: version ${result.version}, ${result.filesRemoved} file(s) -> ${result.filesAdded} (${formatBytes(result.bytesRemoved)} -> ${formatBytes(result.bytesAdded)}), ${result.rowsWritten} rows in ${(result.durationMs / 1000).toFixed(1)} s; peak held ${formatBytes(result.peakHeldBytes)}${result.spillFiles > 0 ? `, spilled ${formatBytes(result.spillBytes)} in ${result.spillFiles} file(s)` : ''}.`;
  return planText(result.plan, head);
}

function figures(f: SkippingFigures): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return `before ${pct(f.before)}, predicted ${pct(f.predicted)}${f.measured === undefined ? '' : `, measured ${pct(f.measured)}`}`;
}

/** The stderr line after a command whose write triggered auto-compaction (runCli). */
export function autoCompactionNote(result: OptimizeResult): string {
  const partitions = result.plan.bins.length;
  return `auto-compaction (${result.plan.table}): ${result.filesRemoved} small file(s) in ${partitions} partition bin(s) rewritten as ${result.filesAdded} file(s) (${formatBytes(result.bytesAdded)}), version ${result.version}`;
}
