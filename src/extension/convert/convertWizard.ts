import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import { formatDataType, type StructType } from '../../delta/schema';
import { formatBytes } from '../../util/formatBytes';
import { multiPickStep, quickPickStep } from '../commands/quickPickStep';
import { withCancellableProgress } from '../withCancellableProgress';

export interface ConvertWizardDeps {
  log: vscode.LogOutputChannel;
  /** Called after a commit so the new table shows in the tree. */
  onDidConvert: (location: string) => void;
}

type ConvertMode = 'inPlace' | 'copy';

/** Schema lines shown in the confirmation; a wide table is summarised. */
const MAX_SCHEMA_LINES = 25;

/**
 * "Convert to Delta…": a folder of Parquet files becomes a table in place (CONVERT TO DELTA: only
 * a _delta_log is added, no data file is rewritten), or CSV/NDJSON/Parquet files are copied into a
 * new table. A dry run (footers or the first file's sample only) is confirmed before anything is
 * written; the run shows progress and can be cancelled.
 */
export async function convertToDeltaWizard(deps: ConvertWizardDeps, uri: vscode.Uri | undefined): Promise<void> {
  const source = uri?.fsPath ?? await pickSource();
  if (!source) return;
  const isFolder = (await stat(source)).isDirectory();
  const title = `Convert ${basename(source)} to Delta`;
  const mode: ConvertMode | undefined = isFolder
    ? await quickPickStep(title, 1, 3, 'How to convert', [
      { label: 'Convert in place', description: 'Parquet folder (flat or key=value partitioned): add a Delta log, rewrite no data', value: 'inPlace' as const },
      { label: 'Copy into a new table', description: 'CSV, NDJSON or Parquet files: write a new Delta table', value: 'copy' as const },
    ])
    : 'copy';
  if (!mode) return;
  if (mode === 'inPlace') await convertInPlace(deps, source, title);
  else await copyIntoTable(deps, source, title);
}

async function pickSource(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Convert to Delta: a Parquet folder, or CSV/NDJSON/Parquet files',
    canSelectFolders: true, canSelectFiles: true, canSelectMany: false, openLabel: 'Convert',
  });
  return picked?.[0]?.fsPath;
}

async function convertInPlace(deps: ConvertWizardDeps, source: string, title: string): Promise<void> {
  const { convertToDelta } = await import('../../ops/convert/convertToDelta');
  const plan = await withCancellableProgress(`Reading Parquet footers in ${basename(source)}`, (signal, onProgress) =>
    convertToDelta(source, { dryRun: true, signal, onProgress }));
  if (plan.status === 'alreadyDelta') {
    void vscode.window.showInformationMessage(`${source} already is a Delta table (version ${plan.version ?? 0}).`);
    return;
  }
  const partitions = plan.partitionColumns.length ? `Partitioned by ${plan.partitionColumns.join(', ')} (from the folder names).` : 'Not partitioned.';
  const confirmed = await confirm(`${title} (in place)?`, [
    `${plan.files} Parquet files, ${formatBytes(plan.bytes)}, ${plan.rows} rows. No data file is rewritten.`,
    partitions,
    ...(plan.ignoredFiles.length ? [`Left out: ${plan.ignoredFiles.length} hidden or bookkeeping files.`] : []),
    '', 'Schema:', ...schemaLines(plan.schema),
  ]);
  if (!confirmed) return;
  const result = await withCancellableProgress(`Converting ${basename(source)} to Delta`, (signal, onProgress) =>
    convertToDelta(source, { signal, onProgress }));
  deps.log.info(`CONVERT TO DELTA ${source}: ${result.status}, version ${result.version ?? 0}, ${result.files} files`);
  deps.onDidConvert(source);
  void vscode.window.showInformationMessage(`${basename(source)} is now a Delta table: ${result.files} files, ${result.rows} rows.`);
}

async function copyIntoTable(deps: ConvertWizardDeps, source: string, title: string): Promise<void> {
  const { previewCopySource } = await import('./copySourcePreview');
  const preview = await previewCopySource(source);
  const suggested = join(dirname(source), `${basename(source, extname(source))}_delta`);
  const target = await vscode.window.showInputBox({
    title: `${title} (2/3)`, prompt: 'Folder of the Delta table to write (created when missing; an existing table is appended to)',
    value: suggested, ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Give a folder path.' : undefined),
  });
  if (!target) return;
  const partitionBy = await multiPickStep(title, 3, 3, 'Partition by (optional: pick low-cardinality columns, or none and press Enter)',
    preview.schema.fields.map((f) => ({ label: f.name, description: formatDataType(f.type), value: f.name })), () => false);
  if (!partitionBy) return;
  const existing = await stat(join(target, '_delta_log')).then(() => true, () => false);
  const confirmed = await confirm(`${title}: ${existing ? 'append to' : 'write'} ${target}?`, [
    `${preview.files.length} ${preview.format.toUpperCase()} file(s) copied into ${existing ? 'the existing table' : 'a new table'}.`,
    partitionBy.length ? `Partitioned by ${partitionBy.join(', ')}.` : 'Not partitioned.',
    '', `Schema (from ${basename(preview.files[0] ?? source)}):`, ...schemaLines(preview.schema),
  ]);
  if (!confirmed) return;
  const { importFiles } = await import('../../ops/importFile/importFiles');
  const result = await withCancellableProgress(`Copying ${basename(source)} into ${basename(target)}`, (signal, onProgress) =>
    importFiles(source, target, { format: preview.format, mode: 'append', ...(partitionBy.length ? { partitionBy } : {}), signal, onProgress }));
  deps.log.info(`Import ${source} -> ${target}: version ${result.version ?? 'none'}, ${result.rowsImported} rows, ${result.filesAdded} files`);
  deps.onDidConvert(target);
  void vscode.window.showInformationMessage(`Copied ${result.rowsImported} rows into ${basename(target)} (${result.filesAdded} files).`);
}

function schemaLines(schema: StructType): string[] {
  const lines = schema.fields.map((f) => `  ${f.name} ${formatDataType(f.type)}${f.nullable ? '' : ' NOT NULL'}`);
  return lines.length > MAX_SCHEMA_LINES ? [...lines.slice(0, MAX_SCHEMA_LINES), `  … ${lines.length - MAX_SCHEMA_LINES} more columns`] : lines;
}

async function confirm(message: string, detail: readonly string[]): Promise<boolean> {
  const choice = await vscode.window.showInformationMessage(message, { modal: true, detail: detail.join('\n') }, 'Convert');
  return choice === 'Convert';
}
