import { Graph, Node } from '@onnx2wasm/ir';

export interface PassContext {
  /** Largest constant (in elements) that folding may create; larger results stay computed at run time. */
  maxFoldElements: number;
  /**
   * Whether a Conv or pool should stay NCHW, as the code generator knows: 'faster' when its NCHW
   * kernel is the faster one ('nhwc' mode converts it anyway), 'only' when its NHWC kernel cannot
   * take it (a huge window). Without it the layout pass converts every node it can.
   */
  keepsNchw?(node: Node, g: Graph): 'faster' | 'only' | false;
  /** The layout pass's mode (default 'auto'); see LayoutMode. */
  layout?: LayoutMode;
}

/**
 * 'auto': channels-last when the transposes cancel down to the graph boundary, and not for convs
 * that keepsNchw names; 'nchw': never; 'nhwc': every conv and pool that has an NHWC form, whatever
 * transposes remain (for measuring the choice).
 */
export type LayoutMode = 'auto' | 'nchw' | 'nhwc';
export const LAYOUT_MODES: readonly LayoutMode[] = ['auto', 'nchw', 'nhwc'];

/** A pass is a value: a kebab-case name, one line for `--list-passes`, and a graph-to-graph function. */
export interface Pass {
  name: string;
  description: string;
  /** Returns the rewritten graph (a new object; the input graph is not modified) and whether anything changed. */
  run(g: Graph, ctx: PassContext): { graph: Graph; changed: boolean; note?: string };
}
