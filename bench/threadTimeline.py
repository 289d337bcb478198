"""Per-thread CPU of a command over time, from /proc: which threads keep the cores busy when.

    .venv/bin/python bench/threadTimeline.py [--every-ms 100] -- node --expose-gc .cache/bench/child/writer-child.cjs '<job>'

Prints one line per interval: CPU ms of the main thread and of every other thread that used any
(Node names them all "node": the Parquet worker, libuv's pool running ZSTD and file I/O, and V8's
platform threads compiling and marking), then each thread's total. An interval whose total is
well below cores x interval is time a core sat idle: a pipeline stall worth looking at.
"""
import argparse
import collections
import os
import subprocess
import sys
import time


def thread_cpu_ms(pid: int, tick: int) -> dict:
    """utime + stime (ms) of every thread of `pid`, by thread id."""
    cpu = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as stat:
                text = stat.read()
        except OSError:
            continue
        # The fields after the command name, which is in parentheses and may hold spaces.
        fields = text[text.rindex(')') + 2:].split()
        cpu[tid] = (int(fields[11]) + int(fields[12])) * 1000 // tick
    return cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--every-ms', type=float, default=100)
    parser.add_argument('command', nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ['--'] else args.command
    tick = os.sysconf('SC_CLK_TCK')
    child = subprocess.Popen(command)
    start = time.time()
    previous: dict = {}
    lines = []
    while child.poll() is None:
        try:
            now = thread_cpu_ms(child.pid, tick)
        except OSError:
            break
        lines.append((time.time() - start, {tid: ms - previous.get(tid, 0) for tid, ms in now.items() if ms > previous.get(tid, 0)}))
        previous = now
        time.sleep(args.every_ms / 1000)
    main_tid = str(child.pid)
    threads = sorted({tid for _, used in lines for tid in used}, key=lambda tid: (tid != main_tid, int(tid)))
    name = lambda tid: 'main' if tid == main_tid else f't{tid}'
    print('    ms ' + ' '.join(f'{name(tid):>8}' for tid in threads) + '    total')
    for at, used in lines:
        print(f'{at * 1000:6.0f} ' + ' '.join(f'{used.get(tid, 0):8d}' for tid in threads) + f' {sum(used.values()):8d}')
    totals = collections.Counter()
    for _, used in lines:
        totals.update(used)
    print('total ' + ' '.join(f'{totals[tid]:8d}' for tid in threads) + f' {sum(totals.values()):8d}')
    return child.returncode or 0


if __name__ == '__main__':
    sys.exit(main())
