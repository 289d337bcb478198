const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** A byte count for people: 1 decimal from KB on, powers of 1024 (as VS Code's explorer shows sizes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
