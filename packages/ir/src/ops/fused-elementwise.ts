// FusedElementwise: a chain of broadcast elementwise ops evaluated in one loop. The program is
// data — a JSON list of steps, each an elementwise function id (or Clip) applied to graph inputs (i0, i1, …) or
// earlier steps (t0, t1, …); the last step is the result. Written by the fuse-elementwise pass.
import { Node } from '../graph.js';
import { OpDef, attrString, broadcastShapes, fail, getOp, input, registerOp } from '../op-registry.js';
import { Tensor, makeTensor, sizeOf } from '../tensor.js';
import { broadcastIndexer } from '../reference.js';
import { functionNode, functionOpFor } from './function-node.js';

export interface FusedStep { op: string; args: string[]; attrs?: Record<string, number | string> }

/** A Clip step's bounds (an omitted one is unbounded). */
export function clipStepBounds(s: FusedStep): { lo: number; hi: number } {
  return { lo: s.attrs?.min === undefined ? -Infinity : Number(s.attrs.min), hi: s.attrs?.max === undefined ? Infinity : Number(s.attrs.max) };
}

/** A Pow step's constant exponent. */
export function powStepExponent(s: FusedStep): number {
  return Number(s.attrs?.exponent);
}

export function readProgram(node: Node): FusedStep[] {
  let steps: FusedStep[];
  try {
    steps = JSON.parse(attrString(node, 'program')) as FusedStep[];
  } catch {
    fail(node, 'program is not valid JSON', 'INVALID_ATTRIBUTE');
  }
  if (!Array.isArray(steps) || steps.length === 0) fail(node, 'program has no steps', 'INVALID_ATTRIBUTE');
  steps.forEach((s, k) => {
    if (!functionOpFor(s.op) && getOp(s.op)?.group !== 'elementwise') fail(node, `step ${k} uses '${s.op}', which is not an elementwise op`, 'INVALID_ATTRIBUTE');
    for (const a of s.args) {
      const m = /^([it])(\d+)$/.exec(a);
      if (!m || (m[1] === 't' && Number(m[2]) >= k) || (m[1] === 'i' && Number(m[2]) >= node.inputs.length)) fail(node, `step ${k} reads '${a}', which is not defined before it`, 'INVALID_ATTRIBUTE');
    }
  });
  return steps;
}

/** Runs the program with the reference ops (scalar constants in attrs become tensors). */
function run(node: Node, inputs: Tensor[]): Tensor {
  const temps: Tensor[] = [];
  for (const s of readProgram(node)) {
    const args: (Tensor | undefined)[] = s.args.map((a) => (a[0] === 'i' ? inputs[Number(a.slice(1))]! : temps[Number(a.slice(1))]!));
    const stepNode = functionNode(node.name, s.op, args.map((_, i) => `a${i}`), ['y'], { ...(s.attrs ?? {}) });
    if (s.op === 'Clip') {
      const { lo, hi } = clipStepBounds(s);
      args.push(lo === -Infinity ? undefined : makeTensor('float32', [], [lo]), hi === Infinity ? undefined : makeTensor('float32', [], [hi]));
    }
    if (s.op === 'Pow') args.push(makeTensor('float32', [], [powStepExponent(s)]));
    temps.push(getOp(stepNode.op)!.evaluate(stepNode, args)[0]!);
  }
  return temps[temps.length - 1]!;
}

const fused: OpDef = {
  name: 'FusedElementwise',
  group: 'elementwise',
  description: 'a chain of float32 elementwise ops over broadcast inputs, in one loop',
  infer(ctx) {
    readProgram(ctx.node);
    const ins = ctx.inputs.map((_, i) => input(ctx, i));
    if (ins.some((t) => t.dtype !== 'float32')) fail(ctx.node, 'fused elementwise chains are float32 only', 'DTYPE_MISMATCH');
    return [{ dtype: 'float32', shape: broadcastShapes(ctx.node, ins.map((t) => t.shape)) }];
  },
  evaluate(node, inputs) {
    const out = run(node, inputs as Tensor[]);
    // Steps may leave the result narrower than the broadcast of all inputs (e.g. a scalar chain): widen.
    const want = broadcastShapes(node, inputs.map((t) => t!.dims)) as number[];
    if (out.dims.join() === want.join()) return [out];
    const idx = broadcastIndexer(out.dims, want);
    const wide = makeTensor('float32', want);
    for (let i = 0; i < sizeOf(want); i++) (wide.data as Float32Array)[i] = (out.data as Float32Array)[idx(i)]!;
    return [wide];
  },
};

registerOp(fused);
