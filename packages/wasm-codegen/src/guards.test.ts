// Which guards the code generator honours: those of nodes whose every reader runs under the same
// guard or is the merging Where; anything else runs unconditionally (always correct).
import { describe, expect, it } from 'vitest';
import { Graph, Guard, parseGraph } from '@onnx2wasm/ir';
import { effectiveGuards } from './guards.js';

const on = (cond: string, when = true): Guard => ({ cond, when });

/** A parsed graph with guards set on the nodes named in `guards`. */
function guarded(lines: string[], guards: Record<string, Guard[]>): Graph {
  const g = parseGraph(lines.join('\n'));
  for (const n of g.nodes) if (guards[n.name]) n.guard = guards[n.name];
  return g;
}

const names = (g: Graph) => Object.fromEntries([...effectiveGuards(g)].map(([n, gs]) => [n.name, gs.map((x) => `${x.when ? '' : '!'}${x.cond}`).join(',')]));

const ifGraph = (extra: string[] = [], out = '%y') => [
  `graph g(%x: float32[4], %c: bool[]) -> (${out})`,
  '  %a: float32[4] = Relu(%x)  # then1',
  '  %a2: float32[4] = Neg(%a)  # then2',
  '  %b: float32[4] = Sigmoid(%x)  # else1',
  '  %y: float32[4] = Where(%c, %a2, %b)  # merge',
  ...extra,
];
const branches = { then1: [on('c')], then2: [on('c')], else1: [on('c', false)] };

describe('effectiveGuards', () => {
  it('keeps the guards of branch nodes read only by their branch and the merge', () => {
    expect(names(guarded(ifGraph(), branches))).toEqual({ then1: 'c', then2: 'c', else1: '!c' });
  });

  it('drops a guard whose value an unguarded node reads, and the guards feeding it', () => {
    const g = guarded(ifGraph(['  %z: float32[4] = Add(%a2, %y)  # outside'], '%z'), branches);
    expect(names(g)).toEqual({ else1: '!c' });
  });

  it('drops the guard of a node whose output is a graph output', () => {
    expect(names(guarded(ifGraph([], '%y, %b'), branches))).toEqual({ then1: 'c', then2: 'c' });
  });

  it('drops a guard that reads the merge value from the wrong slot', () => {
    const g = guarded([
      'graph g(%x: float32[4], %c: bool[]) -> (%y)',
      '  %a: float32[4] = Relu(%x)  # then1',
      '  %b: float32[4] = Sigmoid(%x)  # else1',
      '  %y: float32[4] = Where(%c, %b, %a)  # merge',
    ], { then1: [on('c')], else1: [on('c', false)] });
    expect(names(g)).toEqual({});
  });

  it('a node rebuilt by a pass without guards inherits its producers\' common guard', () => {
    const g = guarded(ifGraph(), { then1: [on('c')], else1: [on('c', false)] });
    expect(names(g)).toEqual({ then1: 'c', then2: 'c', else1: '!c' });
  });

  it('drops a guard whose condition is computed after the node', () => {
    const g = guarded([
      'graph g(%x: float32[4], %s: float32[]) -> (%y)',
      '  %a: float32[4] = Relu(%x)  # then1',
      '  const %zero: float32[] = [0]',
      '  %c: bool[] = Greater(%s, %zero)  # cond',
      '  %b: float32[4] = Sigmoid(%x)  # else1',
      '  %y: float32[4] = Where(%c, %a, %b)  # merge',
    ], { then1: [on('c')], else1: [on('c', false)] });
    expect(names(g)).toEqual({ else1: '!c' });
  });

  it('nested Ifs: an inner condition computed in the outer branch is read only under the outer guard', () => {
    const lines = [
      'graph g(%x: float32[4], %c: bool[]) -> (%y)',
      '  const %zero: float32[] = [0]',
      '  const %axes: int64[1] = [0]',
      '  %m: float32[] = ReduceSum(%x, %axes) {axes=[], keepdims=0, noop_with_empty_axes=0}  # mean',
      '  %d: bool[] = Greater(%m, %zero)  # inner_cond',
      '  %p: float32[4] = Relu(%x)  # inner_then',
      '  %q: float32[4] = Neg(%x)  # inner_else',
      '  %a: float32[4] = Where(%d, %p, %q)  # inner_merge',
      '  %b: float32[4] = Sigmoid(%x)  # else1',
      '  %y: float32[4] = Where(%c, %a, %b)  # merge',
    ];
    const outer = [on('c')];
    const full = { mean: outer, inner_cond: outer, inner_then: [...outer, on('d')], inner_else: [...outer, on('d', false)], inner_merge: outer, else1: [on('c', false)] };
    expect(names(guarded(lines, full))).toEqual({ mean: 'c', inner_cond: 'c', inner_then: 'c,d', inner_else: 'c,!d', inner_merge: 'c', else1: '!c' });
    // Had the inner nodes lost the outer guard, they would test d when c is false: d must then be computed always.
    const lost = { ...full, inner_then: [on('d')], inner_else: [on('d', false)] };
    const got = names(guarded(lines, lost));
    expect(got.inner_cond).toBeUndefined();
    expect(got.mean).toBeUndefined();
    expect(got.inner_then).toBe('d');
  });
});
