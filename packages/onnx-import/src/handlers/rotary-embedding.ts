// RotaryEmbedding (opset 23): the IR op takes cos/sin already per (batch, position), so the
// caches are gathered by position_ids here (without position_ids they are given that way), and
// cut to rotary_embedding_dim / 2 values when the cache rows are longer.
import { registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

registerHandler('RotaryEmbedding', 23, (ctx) => {
  const { node } = ctx;
  const [x, cosCache, sinCache, positions] = node.inputs as [string, string, string, string | undefined];
  const shape = ctx.typeOf(x).shape;
  const heads = (node.attrs.num_heads as number | undefined) ?? 0;
  const head = shape.length === 4 ? shape[3] : typeof shape[2] === 'number' && heads > 0 ? shape[2] / heads : undefined;
  const rd = (node.attrs.rotary_embedding_dim as number | undefined) || head;
  if (typeof rd !== 'number') return ctx.fail('the head size must be static');
  const perPosition = (cache: string) => {
    let t = positions ? ctx.emit('Gather', [cache, positions], { axis: 0 })[0]! : cache;
    const width = ctx.typeOf(t).shape[2];
    if (width !== rd / 2) {
      const [starts, ends, axes] = [[0], [rd / 2], [2]].map((v, i) => ctx.addConstant(int64Vector(v), ['starts', 'ends', 'axes'][i]));
      t = ctx.emit('Slice', [t, starts!, ends!, axes!])[0]!;
    }
    return t;
  };
  const attrs = { interleaved: node.attrs.interleaved ?? 0, num_heads: heads, rotary_embedding_dim: node.attrs.rotary_embedding_dim ?? 0 };
  ctx.emit('RotaryEmbedding', [x, perPosition(cosCache), perPosition(sinCache)], attrs, node.outputs);
});
