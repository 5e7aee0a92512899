import { Graph, Node } from '@onnx2wasm/ir';

export interface PassContext {
  /** Largest constant (in elements) that folding may create; larger results stay computed at run time. */
  maxFoldElements: number;
  /**
   * Whether a Conv should stay NCHW because its NCHW kernel is the faster one (the code generator
   * knows: Winograd has no channels-last form). Without it the layout pass converts every conv it can.
   */
  keepsNchw?(conv: Node, g: Graph): boolean;
}

/** A pass is a value: a kebab-case name, one line for `--list-passes`, and a graph-to-graph function. */
export interface Pass {
  name: string;
  description: string;
  /** Returns the rewritten graph (a new object; the input graph is not modified) and whether anything changed. */
  run(g: Graph, ctx: PassContext): { graph: Graph; changed: boolean };
}
