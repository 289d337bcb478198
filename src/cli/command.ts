import type { Writable } from 'node:stream';
import type { ProgressCallback } from '../util/progress';
import { parseCommand, type CommandSpec, type ParsedCommand } from './args';
import { createProgressReporter } from './progress';

/** Where a command writes: injected so tests can capture output. */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  signal: AbortSignal;
}

/** One `lakehouse <name>` subcommand: its declared options and what it does with them. */
export interface CliCommand {
  spec: CommandSpec;
  run(argv: readonly string[], io: CliIO): Promise<void>;
}

/** A subcommand whose `run` gets its command line parsed and checked against `spec` (see parseCommand). */
export function defineCliCommand<S extends CommandSpec>(spec: S, run: (parsed: ParsedCommand<S>, io: CliIO) => Promise<void>): CliCommand {
  return { spec, run: (argv, io) => run(parseCommand(spec, argv), io) };
}

/** What a long operation takes from the command line: its abort signal and, on a terminal, a progress bar on stderr. */
export function operationControls(io: CliIO): { signal: AbortSignal; onProgress?: ProgressCallback } {
  return { signal: io.signal, ...(io.stderrIsTTY ? { onProgress: createProgressReporter(io.stderr as NodeJS.WriteStream) } : {}) };
}

/** Writes text and waits when the stream is full, so piping a large result stays bounded in memory. */
export async function writeText(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

export async function writeJson(out: Writable, value: unknown): Promise<void> {
  await writeText(out, `${JSON.stringify(value, null, 2)}\n`);
}
