import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/runCli';

export interface CliResult { code: number; stdout: string; stderr: string }

/**
 * Runs the `lakehouse` CLI in-process as a pipe would (no TTY) and returns its exit code and what
 * it wrote. `env` is set on process.env for the run only (commands read passwords from it).
 */
export async function runCliCaptured(argv: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  try {
    const code = await runCli(argv, { stdout, stderr, stdoutIsTTY: false, stderrIsTTY: false, signal: new AbortController().signal });
    return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Runs the CLI with `--json`, asserts it exits 0 (showing stderr if not) and returns the parsed stdout. */
export async function runCliJson<T>(argv: readonly string[]): Promise<T> {
  const result = await runCliCaptured([...argv, '--json']);
  assert.equal(result.code, 0, `${argv.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
