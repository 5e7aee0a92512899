// If nodes whose condition is only known at run time: both branches are imported, each node of a
// branch carrying a guard (the condition value and the branch it belongs to), so the generated
// code runs only the taken branch; a Where on the condition merges the branches' outputs. Guards
// nest with nested Ifs. The import also records which graph inputs decide such conditions, so the
// compile summary can say which input to pin (constantInputs / --constant) to drop the branches.
import { Graph, Guard } from '@onnx2wasm/ir';
import { OnnxImportError } from './errors.js';

/**
 * A run-time If: its node name, the graph inputs its condition is computed from, the value it
 * compares an input with, and the branch that cannot run for the compiled shapes, if one (runs
 * taking it trap).
 */
export interface RunTimeIf {
  node: string;
  inputs: string[];
  /** When the condition is input == constant (Equal(sr, 16000)): that input and value, a natural pin. */
  compared?: Record<string, number>;
  failedBranch?: { branch: 'then' | 'else'; reason: string };
}

const active: Guard[] = [];
let recorded: RunTimeIf[] = [];
let promoted: RankPromotion[] = [];

/** The guards of the branches being imported (innermost last); undefined outside any branch. */
export function currentGuards(): Guard[] | undefined {
  return active.length ? [...active] : undefined;
}

/** Imports one branch: every node emitted by `body` runs only when `cond` is `when`. */
export function underGuard<T>(guard: Guard, body: () => T): T {
  active.push(guard);
  try {
    return body();
  } finally {
    active.pop();
  }
}

export function recordRunTimeIf(r: RunTimeIf): void {
  recorded.push(r);
}

/** How many run-time Ifs are recorded, to drop those of a branch whose import is abandoned. */
export function recordMark(): number {
  return recorded.length;
}

export function dropRecordsFrom(mark: number): void {
  recorded.length = mark;
}

/** Starts a model's import: returns the list the model's run-time Ifs are recorded in. */
export function startRecording(): RunTimeIf[] {
  active.length = 0;
  recorded = [];
  promoted = [];
  return recorded;
}

/**
 * An output of a run-time If whose branches give one element at different ranks (a scalar in one,
 * [1] in the other: the ONNX AffineGrid function's step for a side of 1). It is merged at the
 * higher rank, which is exact only where every reader broadcasts it against a value of at least
 * that rank; checkRankPromotions verifies that once the whole graph is imported.
 */
export interface RankPromotion { value: string; rank: number; node: string; op: string; message: string }

export function recordRankPromotion(p: RankPromotion): void {
  promoted.push(p);
}

/** Ops whose output broadcasts all inputs (every Binary function, Where): a [1] and a scalar input give the same output when another input has rank >= 1. */
const BROADCASTING = new Set(['Binary', 'Where']);

/** Ops whose output has their (only) data input's shape (every Unary function): the promoted rank flows through them. */
const SHAPE_PRESERVING = new Set(['Identity', 'Cast', 'Unary']);

/** Fails (DYNAMIC_SHAPE, naming the If) when a rank-promoted If output reaches a reader for which the rank matters. */
export function checkRankPromotions(g: Graph): void {
  for (const p of promoted) {
    const pending = [p.value];
    while (pending.length) {
      const v = pending.pop()!;
      const ok = !g.outputs.includes(v) && g.nodes.filter((n) => n.inputs.includes(v)).every((n) => {
        if (SHAPE_PRESERVING.has(n.op) && n.inputs.length === 1) { pending.push(n.outputs[0]!); return true; }
        // A Reshape to one element (a loop or If condition read as a scalar) drops the rank.
        if (n.op === 'Reshape' && n.inputs[0] === v) return g.types.get(n.outputs[0]!)?.shape.every((d) => d === 1) ?? false;
        if (!BROADCASTING.has(n.op)) return false;
        const others = n.inputs.filter((i) => i && i !== v).map((i) => g.types.get(i!)?.shape.length ?? 0);
        return Math.max(0, ...others) >= p.rank;
      });
      if (!ok) throw new OnnxImportError('DYNAMIC_SHAPE', p.message, { node: p.node, op: p.op });
    }
  }
}
