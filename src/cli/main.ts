import { runCli } from './runCli';
import { sizeThreadPool } from './threadPoolSize';

async function main(): Promise<void> {
  // Before anything gives libuv's pool work: it reads its size once, when it starts.
  sizeThreadPool(process.argv[2]);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  // A closed pipe (`lakehouse scan t | head`) is a normal end, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    signal: controller.signal,
  });
  process.exitCode = code;
}

void main();
