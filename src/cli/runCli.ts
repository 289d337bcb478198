import { commandUsage } from './args';
import type { CliCommand, CliIO } from './command';
import { changesCommand } from './commands/changes';
import { checkpointCommand } from './commands/checkpoint';
import { constraintCommand } from './commands/constraint';
import { convertCommand } from './commands/convert';
import { createCommand } from './commands/create';
import { deleteCommand } from './commands/delete';
import { diffCommand } from './commands/diff';
import { filesCommand } from './commands/files';
import { historyCommand } from './commands/history';
import { importCommand } from './commands/import';
import { infoCommand } from './commands/info';
import { ingestCommand } from './commands/ingest';
import { autoCompactionNote, optimizeCommand } from './commands/optimize';
import { mergeCommand } from './commands/merge';
import { pipelineCommand } from './commands/pipeline';
import { restoreCommand } from './commands/restore';
import { scanCommand } from './commands/scan';
import { schemaCommand } from './commands/schema';
import { updateCommand } from './commands/update';
import { vacuumCommand } from './commands/vacuum';
import { writeCommand } from './commands/write';
import { renderError, UsageError } from './errors';
import { withAutoCompaction } from '../ops/optimize/autoCompact';

const COMMANDS: readonly CliCommand[] = [infoCommand, schemaCommand, historyCommand, filesCommand, scanCommand, changesCommand, diffCommand, convertCommand, importCommand, ingestCommand, pipelineCommand,
  createCommand, writeCommand, deleteCommand, updateCommand, mergeCommand, constraintCommand, checkpointCommand, vacuumCommand, restoreCommand, optimizeCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    'lakehouse: Delta Lake tables from the command line (Lakehouse Studio)',
    '',
    'Usage: lakehouse <command> [options]   (lakehouse <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
  ].join('\n');
}

/** Runs one command line; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; run "lakehouse --help" for the list`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`${commandUsage(command.spec)}\n`);
      return 0;
    }
    // Any command that writes to a table with delta.autoOptimize.autoCompact on compacts afterwards.
    const { autoCompactions } = await withAutoCompaction(() => command.run(rest, io), { signal: io.signal });
    for (const result of autoCompactions) io.stderr.write(`${autoCompactionNote(result)}\n`);
    return 0;
  } catch (error) {
    const rendered = renderError(error);
    io.stderr.write(`${rendered.message}\n`);
    return rendered.exitCode;
  }
}
