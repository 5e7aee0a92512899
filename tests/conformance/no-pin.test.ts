// The no-pin allowlisted ONNX backend cases whose shape-like inputs (a Reshape target, Slice
// bounds, Pad amounts, Resize scales or sizes, …) are graph inputs: they must pass without
// pinning those values, their output dims computed at run time (docs/dynamic-shapes.md). The rest
// of allowlist-no-pin.txt is checked by `npm run conformance -- --no-pin`.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with `npm run conformance`
import { readAllowlist } from '../../scripts/conformance/allowlist.mjs';
// @ts-expect-error plain ESM helper shared with `npm run conformance`
import { runCase } from '../../scripts/conformance/run-case.mjs';
import { SHARED } from '../support/models.js';

const SHAPE_LIKE = /\/test_(reshape|slice|expand|tile|constant_pad|edge_pad|reflect_pad|wrap_pad|constantofshape|range|onehot|unsqueeze|center_crop_pad|resize_|upsample|affine_grid|col2im|stft|melweightmatrix|maxunpool|training_dropout_zero)/;
const names = [...(readAllowlist(true) as Set<string>)].filter((n) => SHAPE_LIKE.test(n)).sort();

describe('shape-like inputs at run time: ONNX cases without pinning', () => {
  it('the no-pin allowlist holds them', () => expect(names.length).toBeGreaterThan(60));
  for (const name of names) {
    it(name, async () => {
      const r = await runCase(path.join(SHARED, 'onnx-tests', name), { noPin: true });
      expect(r.status, `${name}: [${r.reason}] ${r.detail}`).toBe('pass');
    });
  }
});
