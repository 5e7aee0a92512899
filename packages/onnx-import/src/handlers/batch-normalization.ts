// BatchNormalization → the IR's inference-mode op. Older forms carry flags that select training
// behaviour (is_test=0, spatial=0, extra outputs); those are rejected with the node named. From
// opset 14, training_mode=1 is expanded with batch statistics (batch-norm-training.ts).
import { registerHandler } from '../handler-registry.js';
import { emitTrainingBatchNorm } from './batch-norm-training.js';
import { unsupportedAttr } from './window-attrs.js';

registerHandler('BatchNormalization', 1, (ctx) => {
  const { node } = ctx;
  if (ctx.opset < 7 && node.attrs.is_test === 0 && node.outputs.slice(1).some((o) => o)) unsupportedAttr(ctx, 'is_test=0 (training mode)');
  if (ctx.opset < 9 && (node.attrs.spatial ?? 1) !== 1) unsupportedAttr(ctx, 'spatial=0 (per-activation statistics)');
  if ((node.attrs.training_mode ?? 0) !== 0) {
    emitTrainingBatchNorm(ctx);
    return;
  }
  if (node.outputs.slice(1).some((o) => o)) unsupportedAttr(ctx, 'the running mean/var outputs (training mode)');
  ctx.emit('BatchNormalization', node.inputs.slice(0, 5), { epsilon: node.attrs.epsilon ?? 1e-5 }, node.outputs.slice(0, 1));
});
