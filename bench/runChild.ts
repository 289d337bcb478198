import { spawn } from 'node:child_process';
import { isChildResult, type ChildResult } from './benchJob';

export interface ChildRun extends ChildResult {
  /** Spawn to exit: includes runtime start-up and imports, which `ms` leaves out. */
  processMs: number;
}

/** Runs one reader-benchmark child (node or python) and returns its result line; rejects with its stderr when it fails. */
export function runChild(command: string, args: readonly string[], cwd: string): Promise<ChildRun> {
  return runJsonChild(command, args, cwd, isChildResult);
}

/** Runs a child whose last stdout line is a JSON result that `isResult` accepts (any benchmark's contract). */
export function runJsonChild<T>(command: string, args: readonly string[], cwd: string, isResult: (value: unknown) => value is T): Promise<T & { processMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const processMs = performance.now() - started;
      const line = stdout.trim().split('\n').at(-1) ?? '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (code !== 0 || !isResult(parsed)) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-4000)}${stdout.slice(-1000)}`));
        return;
      }
      resolvePromise({ ...parsed, processMs });
    });
  });
}
