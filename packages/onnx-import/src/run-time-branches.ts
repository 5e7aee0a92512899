// If nodes whose condition is only known at run time: both branches are imported, each node of a
// branch carrying a guard (the condition value and the branch it belongs to), so the generated
// code runs only the taken branch; a Where on the condition merges the branches' outputs. Guards
// nest with nested Ifs. The import also records which graph inputs decide such conditions, so the
// compile summary can say which input to pin (constantInputs / --constant) to drop the branches.
import { Guard } from '@onnx2wasm/ir';

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
  return recorded;
}
