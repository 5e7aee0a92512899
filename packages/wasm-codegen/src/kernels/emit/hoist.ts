// Run-time sizes and strides read into locals once, before the loops that use them: each use is a
// fresh local.get, since one Binaryen expression cannot stand in two places of the tree.
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';

/** A function that hoists `v` (appending its local.set to `pre`) and returns a getter; constants stay constants. */
export function hoister(fn: FnBuilder, pre: Expr[]): (v: I32) => () => I32 {
  return (v) => {
    if (typeof v === 'number') return () => v;
    const l = fn.local('i32');
    pre.push(l.set(v));
    return () => l.get();
  };
}
