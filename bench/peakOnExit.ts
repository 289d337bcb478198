/**
 * Preloaded (`node --require`) by bench/convert.ts into the CLI, which reports nothing of its own:
 * on exit, the process's RSS when this preload ran, its peak RSS and its CPU time, as one JSON line
 * on stderr. Everything is measured from the process's start, module loading included.
 */
import { procStatusKiB } from './procStatus';

const baselineKiB = procStatusKiB('VmRSS');
process.on('exit', () => {
  const cpu = process.cpuUsage();
  process.stderr.write(`\n${JSON.stringify({ peakOnExit: true, baselineKiB, peakKiB: procStatusKiB('VmHWM'), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
});
