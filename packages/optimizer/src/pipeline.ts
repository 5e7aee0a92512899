import { CompileError, Graph, verifyGraph } from '@onnx2wasm/ir';
import { Pass, PassContext } from './pass.js';
import { eliminateDeadCode } from './passes/eliminate-dead-code.js';
import { eliminateNoops } from './passes/eliminate-noops.js';
import { foldConstants } from './passes/fold-constants.js';
import { fuseEpilogue } from './passes/fuse-epilogue.js';
import { foldBatchNorm } from './passes/fold-batchnorm.js';
import { fuseElementwise } from './passes/fuse-elementwise.js';
import { recognizePatterns } from './passes/recognize-patterns.js';
import { fuseAttention } from './passes/fuse-attention.js';
import { cancelTransposes } from './passes/cancel-transposes.js';
import { layoutNhwc } from './passes/layout-nhwc.js';
import { lowerQdq } from './passes/lower-qdq.js';

/** Every built-in pass, in pipeline order. The CLI's --passes and --list-passes read this list. */
export const PASSES: Pass[] = [eliminateNoops, lowerQdq, foldConstants, cancelTransposes, recognizePatterns, fuseAttention, foldBatchNorm, fuseEpilogue, fuseElementwise, layoutNhwc, eliminateDeadCode];

export interface OptimizeOptions {
  /** Pass names to run (default: all, in pipeline order). */
  passes?: string[];
  /** Run the IR verifier after every pass. */
  verify?: boolean;
  /** Extra passes (plugins), run after the built-in ones. */
  extraPasses?: Pass[];
  maxFoldElements?: number;
  keepsNchw?: PassContext['keepsNchw'];
  layout?: PassContext['layout'];
}

export interface PassReport { name: string; changed: boolean; nodesBefore: number; nodesAfter: number; note?: string }

export function findPasses(names: string[], available: Pass[] = PASSES): Pass[] {
  return names.map((n) => {
    const p = available.find((x) => x.name === n);
    if (!p) throw new CompileError('INVALID_OPTION', `unknown pass '${n}'; available: ${available.map((x) => x.name).join(', ')}`);
    return p;
  });
}

/** Runs the pipeline to a fixed point (bounded), verifying after each pass when asked. */
export function optimize(graph: Graph, opts: OptimizeOptions = {}): { graph: Graph; report: PassReport[] } {
  const all = [...PASSES, ...(opts.extraPasses ?? [])];
  const pipeline = opts.passes ? findPasses(opts.passes, all) : all;
  const ctx: PassContext = { maxFoldElements: opts.maxFoldElements ?? 1 << 22, keepsNchw: opts.keepsNchw, layout: opts.layout };
  const report: PassReport[] = [];
  let g = graph;
  for (let round = 0; round < 8; round++) {
    let any = false;
    for (const p of pipeline) {
      const before = g.nodes.length;
      const r = p.run(g, ctx);
      g = r.graph;
      if (opts.verify) verifyGraph(g, `pass '${p.name}'`);
      report.push({ name: p.name, changed: r.changed, nodesBefore: before, nodesAfter: g.nodes.length, ...(r.note ? { note: r.note } : {}) });
      any ||= r.changed;
    }
    if (!any) break;
  }
  return { graph: g, report };
}
