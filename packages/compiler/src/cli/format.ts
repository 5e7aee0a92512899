// Plain-text formatting shared by the commands: sizes, dims, tensors, aligned tables.
import type { Tensor } from '@onnx2wasm/runtime';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(2)} MiB`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(3)} ms` : `${ms.toFixed(1)} ms`;
}

export const formatShape = (dtype: string, dims: readonly (number | string)[]): string => `${dtype}[${dims.join(',')}]`;

function formatValue(v: number | bigint): string {
  if (typeof v === 'bigint' || Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(6)).toString();
}

/** The first `count` values, so a glance shows whether the output is sane. */
export function formatValues(t: Tensor, count = 8): string {
  const shown = Array.from(t.data.subarray(0, count) as ArrayLike<number | bigint>, formatValue);
  const more = t.data.length > count ? `, … (${t.data.length - count} more)` : '';
  return `[${shown.join(', ')}${more}]`;
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: string[][], indent = '  '): string {
  if (rows.length === 0) return `${indent}(none)`;
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => indent + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}
