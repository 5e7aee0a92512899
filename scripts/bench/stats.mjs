import * as os from 'node:os';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmtBytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * A sentence on the machine's load for a benchmark's write-up: the load average at `loadAtStart`
 * (os.loadavg()[0], which counts the benchmark itself) and, when it is above the core count, that
 * other jobs shared the machine.
 */
export function loadNote(loadAtStart) {
  const cores = os.cpus().length;
  const shared = loadAtStart > cores;
  return `Load average ${loadAtStart.toFixed(1)} on ${cores} cores when this ran${shared ? ': other jobs shared the machine, so read the ratios, not the absolute times' : ''}.`;
}
