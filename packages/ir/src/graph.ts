import { DType } from './dtype.js';
import { Tensor } from './tensor.js';

/** A dimension is static (a number) or symbolic (a name such as 'batch'). */
export type Dim = number | string;

export interface ValueType {
  dtype: DType;
  shape: Dim[];
}

export type AttrValue = number | string | number[] | string[] | Tensor | Graph | boolean | null;
export type Attrs = Record<string, AttrValue>;

/**
 * A condition a node runs under: the single-element bool value `cond` is `when` (the node belongs to
 * one branch of an If decided at run time). A node without guards always runs.
 */
export interface Guard { cond: string; when: boolean }

export interface Node {
  name: string;
  op: string;
  /** Value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
  /**
   * Run only when every guard holds (innermost last). Skipping is an optimization: running a
   * guarded node anyway is always correct, so a pass that rebuilds a node may drop its guards.
   */
  guard?: Guard[];
}

export interface Graph {
  name: string;
  inputs: string[];
  outputs: string[];
  nodes: Node[];
  /** The type of every value: graph inputs, constants and node outputs. */
  types: Map<string, ValueType>;
  /** Values known at compile time (initializers, folded results). */
  constants: Map<string, Tensor>;
}

export function isStatic(shape: readonly Dim[]): shape is number[] {
  return shape.every((d) => typeof d === 'number');
}

export function shapeToString(shape: readonly Dim[]): string {
  return `[${shape.join(',')}]`;
}

export function typeToString(t: ValueType): string {
  return `${t.dtype}${shapeToString(t.shape)}`;
}

export function cloneGraph(g: Graph): Graph {
  return {
    name: g.name,
    inputs: [...g.inputs],
    outputs: [...g.outputs],
    nodes: g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } })),
    types: new Map(g.types),
    constants: new Map(g.constants),
  };
}

/** Map from value name to the nodes that read it. */
export function consumersOf(g: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) {
    let l = m.get(i);
    if (!l) m.set(i, (l = []));
    l.push(n);
  }
  return m;
}

export function producersOf(g: Graph): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) m.set(o, n);
  return m;
}
