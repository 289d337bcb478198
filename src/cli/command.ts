import type { Writable } from 'node:stream';
import type { CommandSpec } from './args';

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

/** Writes text and waits when the stream is full, so piping a large result stays bounded in memory. */
export async function writeText(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

export async function writeJson(out: Writable, value: unknown): Promise<void> {
  await writeText(out, `${JSON.stringify(value, null, 2)}\n`);
}
