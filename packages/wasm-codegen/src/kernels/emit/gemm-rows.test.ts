import { describe, expect, it } from 'vitest';
import { WasmModuleBuilder } from '../../wasm-builder.js';
import { GemmSpec, emitGemm } from './gemm-core.js';

// Two GEMMs of different M and N (same K, so the same stride between rows of an unpacked A) in one module, as two node functions; the text shows which helpers exist and who calls them.
function moduleText(a: Partial<GemmSpec>, b: Partial<GemmSpec>, inline = false): string {
  const mod = new WasmModuleBuilder({ relaxed: false });
  const node = (name: string, M: number, N: number, K: number, extra: Partial<GemmSpec>) => {
    const fn = mod.fn(name);
    fn.finish(emitGemm(fn, { M, N, K, a: () => fn.i(0), aRowStride: K, aKStride: 1, b: () => fn.i(65536), bKStride: N, c: () => fn.i(131072), cRowStride: N, ...extra }, { inline }));
  };
  node('node_a', 37, 40, 70, a);
  node('node_b', 13, 24, 70, b);
  const text = mod.emitText();
  mod.dispose();
  return text;
}
const defined = (text: string) => text.match(/\(func \$gemm_rows_\d+/g) ?? [];

describe('GEMM row-block helpers (first-run speed)', () => {
  // M = 37 and 13: 9 and 3 blocks of 4 rows, then one row each.
  it('GEMMs of different M and N with the same epilogue and A rows share the helpers (a block of rows, the last row), called from both nodes', () => {
    const text = moduleText({ bias: { addr: 200000, per: 'row' } }, { bias: { addr: 300000, per: 'row' } });
    expect(defined(text)).toEqual(['(func $gemm_rows_0', '(func $gemm_rows_1']);
    const body = (fnName: string) => text.split(`(func $${fnName}`)[1]!.split('(func $')[0]!;
    for (const node of ['node_a', 'node_b']) {
      expect(body(node)).toContain('call $gemm_rows_0');
      expect(body(node)).toContain('call $gemm_rows_1');
      // The node function keeps only the loop over row blocks: the last rows are a call too.
      expect(body(node).match(/\(loop/g)).toHaveLength(1);
    }
  });

  it('another epilogue gets its own helpers', () => {
    expect(defined(moduleText({ activation: { kind: 'relu' } }, {}))).toHaveLength(4);
  });

  it('inline: true uses no helper; a GEMM of fewer rows than a block calls the helper for that many rows', () => {
    expect(defined(moduleText({}, {}, true))).toHaveLength(0);
    const mod = new WasmModuleBuilder({ relaxed: false });
    const fn = mod.fn('gemv');
    fn.finish(emitGemm(fn, { M: 1, N: 64, K: 64, a: () => fn.i(0), aRowStride: 64, aKStride: 1, b: () => fn.i(4096), bKStride: 64, c: () => fn.i(65536), cRowStride: 64 }));
    const text = mod.emitText();
    expect(defined(text)).toHaveLength(1);
    expect(text.split('(func $gemv')[1]!.split('(func $')[0]!).not.toContain('(loop');
    mod.dispose();
  });
});
