import { readFileSync } from 'node:fs';

/**
 * CPU time of the main thread alone, in ms (utime + stime of /proc/self/task/<pid>/stat, 10 ms
 * ticks): with pages compressed on libuv's threads, the process's CPU time hides how much of it
 * is the JS thread's (the critical path of an append).
 */
export function mainThreadCpuMs(): number {
  // Fields after the command name (in parentheses, may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
