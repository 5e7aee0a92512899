// Assigns arena offsets to the values computed at run time, from their lifetimes: a value is live
// from the node that writes it to the last node that reads it; buffers of dead values are reused.
import { Graph } from '@onnx2wasm/ir';
import { loopReadReach } from './loop-regions.js';
import { aliasRoots } from './buffer-aliases.js';

export interface Buffer { name: string; bytes: number; first: number; last: number; offset: number }

export interface MemoryPlan {
  offsets: Map<string, number>;
  arenaBytes: number;
  /** The largest total size of values live at the same time: no plan can use less. */
  lowerBoundBytes: number;
  /** Sum of all planned values, what a planner without reuse would use. */
  naiveBytes: number;
  buffers: Buffer[];
}

const ALIGN = 16;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * `aliases` maps a view's output (a Reshape, say) to the value it views: both share one buffer,
 * alive from the first definition to the last read of either.
 */
/**
 * Live ranges of the buffers of run-time values (views share their root's), in node indices: graph
 * inputs live over the whole run (-1 … nodes.length) so a run never depends on the previous one.
 * `include` selects the roots to plan (e.g. only statically shaped ones).
 */
export function bufferLifetimes(g: Graph, aliases: Map<string, string>, include: (root: string) => boolean = () => true): Map<string, { first: number; last: number }> {
  const spans = new Map<string, { first: number; last: number }>();
  const end = g.nodes.length;
  const root = aliasRoots(aliases);
  const touch = (value: string, at: number) => {
    const name = value ? root(value) : value;
    if (!name || g.constants.has(name) || !include(name)) return;
    const s = spans.get(name);
    if (!s) spans.set(name, { first: at, last: at });
    else { s.first = Math.min(s.first, at); s.last = Math.max(s.last, at); }
  };
  for (const i of g.inputs) { touch(i, -1); touch(i, end); }
  g.nodes.forEach((n, k) => {
    n.outputs.forEach((o) => touch(o, k));
    n.inputs.forEach((i) => touch(i, k));
  });
  for (const o of g.outputs) touch(o, end);
  // A loop body reads its outer values again on every iteration: they live until the loop ends.
  for (const [v, e] of loopReadReach(g)) if (spans.has(v ? root(v) : v)) touch(v, e);
  return spans;
}

export function planMemory(g: Graph, sizeOf: (value: string) => number, aliases: Map<string, string> = new Map(), include?: (root: string) => boolean): MemoryPlan {
  const end = g.nodes.length;
  const root = aliasRoots(aliases);
  const buffers = new Map<string, Buffer>();
  for (const [name, s] of bufferLifetimes(g, aliases, include)) buffers.set(name, { name, bytes: align(Math.max(sizeOf(name), 1)), first: s.first, last: s.last, offset: -1 });

  // Largest first, each at the lowest offset that does not overlap a placed buffer live at the same time.
  const order = [...buffers.values()].sort((a, b) => b.bytes - a.bytes || a.first - b.first);
  const placed: Buffer[] = [];
  let arenaBytes = 0;
  for (const b of order) {
    const conflicts = placed
      .filter((p) => p.first <= b.last && b.first <= p.last)
      .sort((x, y) => x.offset - y.offset);
    let offset = 0;
    for (const c of conflicts) {
      if (offset + b.bytes <= c.offset) break;
      offset = Math.max(offset, c.offset + c.bytes);
    }
    b.offset = offset;
    placed.push(b);
    arenaBytes = Math.max(arenaBytes, offset + b.bytes);
  }

  let lowerBoundBytes = 0;
  for (let t = -1; t <= end; t++) {
    let live = 0;
    for (const b of buffers.values()) if (b.first <= t && t <= b.last) live += b.bytes;
    lowerBoundBytes = Math.max(lowerBoundBytes, live);
  }
  const naiveBytes = [...buffers.values()].reduce((s, b) => s + b.bytes, 0);
  const offsets = new Map([...buffers.values()].map((b) => [b.name, b.offset]));
  for (const v of aliases.keys()) if (offsets.has(root(v))) offsets.set(v, offsets.get(root(v))!);
  return { offsets, arenaBytes, lowerBoundBytes, naiveBytes, buffers: [...buffers.values()] };
}
