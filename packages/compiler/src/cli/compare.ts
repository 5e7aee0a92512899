// How `check` decides that two outputs agree. Error is relative to the output's largest magnitude,
// not element by element: elementwise relative error explodes on values near zero, which every
// ReLU or softmax output has, and would flag correct models.
export interface Comparison {
  maxAbsErr: number;
  /** maxAbsErr / max |reference|. */
  maxRelErr: number;
}

export function compareOutputs(ours: ArrayLike<number | bigint>, ref: ArrayLike<number | bigint>): Comparison {
  let maxAbsErr = 0;
  let maxAbsRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = Number(ref[i]);
    const o = Number(ours[i]);
    if (Number.isNaN(r) || Number.isNaN(o)) {
      if (Number.isNaN(r) !== Number.isNaN(o)) maxAbsErr = Infinity; // NaN in both places agrees
      continue;
    }
    // Equal infinities agree; Infinity - Infinity would be NaN.
    const d = o === r ? 0 : Math.abs(o - r);
    maxAbsErr = Math.max(maxAbsErr, d);
    if (Number.isFinite(r)) maxAbsRef = Math.max(maxAbsRef, Math.abs(r));
  }
  const maxRelErr = maxAbsErr === 0 ? 0 : maxAbsRef === 0 ? Infinity : maxAbsErr / maxAbsRef;
  return { maxAbsErr, maxRelErr };
}
