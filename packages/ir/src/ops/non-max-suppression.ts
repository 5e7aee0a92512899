// NonMaxSuppression(boxes [B,N,4], scores [B,C,N], max_output_boxes_per_class?, iou_threshold?,
// score_threshold?) {center_point_box}: per batch and class, greedily keeps the highest-scoring
// boxes whose IoU with every kept box is at most iou_threshold, skipping scores not above
// score_threshold, up to max_output per class; int64 [count, 3] rows of (batch, class, box). The
// count depends on the values: with every input known the node folds, otherwise the count is a
// value-dependent dim computed by the kernel (computed-dims.ts), at most B*C*N.
import { Node } from '../graph.js';
import { OpDef, attrInt, fail, input, registerOp } from '../op-registry.js';
import { computedDimSymbol } from './computed-dims.js';
import { Tensor, getNumber, makeTensor } from '../tensor.js';
import { inferFromValues } from './data-dependent.js';

type Box = [number, number, number, number]; // y1, x1, y2, x2 with y1 <= y2, x1 <= x2

function corners(boxes: Tensor, at: number, centered: boolean): Box {
  const v = [0, 1, 2, 3].map((k) => getNumber(boxes, at + k)) as Box;
  if (centered) {
    const [xc, yc, w, h] = v;
    return [yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2];
  }
  return [Math.min(v[0], v[2]), Math.min(v[1], v[3]), Math.max(v[0], v[2]), Math.max(v[1], v[3])];
}

function iou(a: Box, b: Box): number {
  const h = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const w = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = h * w;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

export interface NonMaxSuppressionAttrs {
  /** center_point_box 1: boxes are [x_center, y_center, width, height], else [y1, x1, y2, x2]. */
  centerPointBox: boolean;
}

export function nonMaxSuppressionAttrs(node: Node): NonMaxSuppressionAttrs {
  return { centerPointBox: attrInt(node, 'center_point_box') === 1 };
}

export const nonMaxSuppression: OpDef = {
  name: 'NonMaxSuppression',
  group: 'misc',
  description: 'greedy per-class box selection by score and IoU (selected count computed at run time)',
  infer: (ctx) => {
    const boxes = input(ctx, 0), scores = input(ctx, 1); // required: a typed error when absent
    const present = [0, 1, 2, 3, 4].filter((i) => ctx.node.inputs[i]);
    if (present.every((i) => ctx.values[i])) return inferFromValues(ctx, nonMaxSuppression, present);
    if (boxes.shape.length !== 3 || boxes.shape[2] !== 4 || scores.shape.length !== 3) {
      fail(ctx.node, `boxes must be [batches, boxes, 4] and scores [batches, classes, boxes], got [${boxes.shape}] and [${scores.shape}]`, 'SHAPE_MISMATCH');
    }
    return [{ dtype: 'int64', shape: [computedDimSymbol(ctx.node, 'count'), 3] }];
  },
  evaluate(node, [boxes, scores, maxOut, iouT, scoreT]) {
    const [batches, classes, n] = scores!.dims as [number, number, number];
    const centered = nonMaxSuppressionAttrs(node).centerPointBox;
    const limit = maxOut && maxOut.data.length ? getNumber(maxOut, 0) : 0;
    const iouLimit = iouT && iouT.data.length ? getNumber(iouT, 0) : 0;
    const minScore = scoreT && scoreT.data.length ? getNumber(scoreT, 0) : -Infinity;
    const rows: number[] = [];
    for (let b = 0; b < batches; b++) {
      const all = Array.from({ length: n }, (_, i) => corners(boxes!, (b * n + i) * 4, centered));
      for (let c = 0; c < classes; c++) {
        const score = (i: number) => getNumber(scores!, (b * classes + c) * n + i);
        const order = Array.from({ length: n }, (_, i) => i).filter((i) => score(i) > minScore).sort((i, j) => score(j) - score(i) || i - j);
        const kept: number[] = [];
        for (const i of order) {
          if (kept.length >= limit) break;
          if (kept.every((k) => iou(all[k]!, all[i]!) <= iouLimit)) kept.push(i);
        }
        for (const i of kept) rows.push(b, c, i);
      }
    }
    return [makeTensor('int64', [rows.length / 3, 3], rows)];
  },
};

registerOp(nonMaxSuppression);
