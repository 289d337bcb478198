import { commandUsage } from './args';
import type { CliCommand, CliIO } from './command';
import { renderError, UsageError } from './errors';
import { withAutoCompaction } from '../ops/optimize/autoCompact';

/**
 * The subcommands in help order, each module loaded when it runs: one command loads what it needs
 * and no more (CONVERT reads footers only, and loading every command brought in the Parquet
 * decoders, parquet-wasm's 5 MB of WebAssembly and Arrow: about 20 MiB of RSS).
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<CliCommand>]> = [
  ['info', async () => (await import('./commands/info')).infoCommand],
  ['schema', async () => (await import('./commands/schema')).schemaCommand],
  ['history', async () => (await import('./commands/history')).historyCommand],
  ['files', async () => (await import('./commands/files')).filesCommand],
  ['scan', async () => (await import('./commands/scan')).scanCommand],
  ['changes', async () => (await import('./commands/changes')).changesCommand],
  ['diff', async () => (await import('./commands/diff')).diffCommand],
  ['convert', async () => (await import('./commands/convert')).convertCommand],
  ['import', async () => (await import('./commands/import')).importCommand],
  ['ingest', async () => (await import('./commands/ingest')).ingestCommand],
  ['pipeline', async () => (await import('./commands/pipeline')).pipelineCommand],
  ['create', async () => (await import('./commands/create')).createCommand],
  ['write', async () => (await import('./commands/write')).writeCommand],
  ['delete', async () => (await import('./commands/delete')).deleteCommand],
  ['update', async () => (await import('./commands/update')).updateCommand],
  ['merge', async () => (await import('./commands/merge')).mergeCommand],
  ['constraint', async () => (await import('./commands/constraint')).constraintCommand],
  ['checkpoint', async () => (await import('./commands/checkpoint')).checkpointCommand],
  ['vacuum', async () => (await import('./commands/vacuum')).vacuumCommand],
  ['restore', async () => (await import('./commands/restore')).restoreCommand],
  ['optimize', async () => (await import('./commands/optimize')).optimizeCommand],
];

async function overview(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map(([, load]) => load()));
  const width = Math.max(...commands.map((c) => c.spec.name.length));
  return [
    'lakehouse: Delta Lake tables from the command line (Lakehouse Studio)',
    '',
    'Usage: lakehouse <command> [options]   (lakehouse <command> --help for its options)',
    '',
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
  ].join('\n');
}

/** Runs one command line; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await overview());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS.find(([commandName]) => commandName === name)?.[1];
  try {
    if (!load) throw new UsageError(`unknown command "${name}"; run "lakehouse --help" for the list`);
    const command = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`${commandUsage(command.spec)}\n`);
      return 0;
    }
    // Any command that writes to a table with delta.autoOptimize.autoCompact on compacts afterwards.
    const { autoCompactions } = await withAutoCompaction(() => command.run(rest, io), { signal: io.signal });
    if (autoCompactions.length > 0) {
      const { autoCompactionNote } = await import('./commands/optimize');
      for (const result of autoCompactions) io.stderr.write(`${autoCompactionNote(result)}\n`);
    }
    return 0;
  } catch (error) {
    const rendered = renderError(error);
    io.stderr.write(`${rendered.message}\n`);
    return rendered.exitCode;
  }
}
