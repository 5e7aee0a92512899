// RNN, GRU and LSTM (opsets 7, 14 adds layout, 22): the IR ops of the same names in time-major
// layout with every attribute explicit. layout = 1 (batch-major) transposes X and the initial
// states in and Y / Y_h / Y_c out. Activations default per cell (RNN Tanh; GRU Sigmoid, Tanh; LSTM
// Sigmoid, Tanh, Tanh) and repeat for the reverse direction; activation_alpha / activation_beta
// are consumed in order by the functions that take them, the others getting ONNX's defaults.
import { ACTIVATIONS, Attrs, ELEMENTWISE_FUNCTIONS, FUNCTIONS } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';

type Cell = 'RNN' | 'GRU' | 'LSTM';
const DEFAULT_ACTIVATIONS: Record<Cell, string[]> = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] };
/** Default (alpha, beta) of the gate functions that take them, from the table of elementwise functions. */
const PARAMS: Record<string, [number | undefined, number | undefined]> = Object.fromEntries(
  ELEMENTWISE_FUNCTIONS.filter((f) => f.recurrent && f.params.length).map((f) => [f.id, [f.params[0]?.default, f.params[1]?.default]]),
);

function activationAttrs(ctx: HandlerContext, cell: Cell, directions: number): Attrs {
  const a = ctx.node.attrs;
  const given = Array.isArray(a.activations) ? (a.activations as string[]) : undefined;
  const names = (given ?? Array.from({ length: directions }, () => DEFAULT_ACTIVATIONS[cell]).flat()).map((n) => {
    const known = Object.keys(ACTIVATIONS).find((k) => k.toLowerCase() === n.toLowerCase());
    if (!known) ctx.fail(`activation '${n}' is not supported (${Object.keys(ACTIVATIONS).join(', ')})`);
    return known!;
  });
  if (names.length !== FUNCTIONS[cell] * directions) ctx.fail(`activations [${names}] must list ${FUNCTIONS[cell] * directions} functions`);
  const alphas = [...((a.activation_alpha as number[] | undefined) ?? [])], betas = [...((a.activation_beta as number[] | undefined) ?? [])];
  const alpha = names.map((n) => (PARAMS[n]?.[0] !== undefined ? alphas.shift() ?? PARAMS[n]![0]! : 0));
  const beta = names.map((n) => (PARAMS[n]?.[1] !== undefined ? betas.shift() ?? PARAMS[n]![1]! : 0));
  return { activations: names, activation_alpha: alpha, activation_beta: beta };
}

function recurrent(cell: Cell) {
  return (ctx: HandlerContext) => {
    const { node } = ctx;
    const a = node.attrs;
    const direction = (a.direction as string | undefined) ?? 'forward';
    const D = direction === 'bidirectional' ? 2 : 1;
    const batchMajor = (a.layout ?? 0) !== 0;
    const swap = (name: string | undefined) => (name && batchMajor ? ctx.emit('Transpose', [name], { perm: [1, 0, 2] })[0]! : name ?? '');
    const count = cell === 'LSTM' ? 8 : 6;
    const ins = node.inputs.slice(0, count);
    const inputs = [swap(ins[0]), ins[1] ?? '', ins[2] ?? '', ins[3] ?? '', ins[4] ?? '', swap(ins[5]), ...(cell === 'LSTM' ? [swap(ins[6]), ins[7] ?? ''] : [])];
    while (inputs.length && !inputs[inputs.length - 1]) inputs.pop();
    if (typeof a.hidden_size !== 'number') ctx.fail("attribute 'hidden_size' is required");
    const attrs: Attrs = { hidden_size: a.hidden_size, direction, clip: a.clip ?? 0, ...activationAttrs(ctx, cell, D) };
    if (cell === 'GRU') attrs.linear_before_reset = a.linear_before_reset ?? 0;
    if (cell === 'LSTM') attrs.input_forget = a.input_forget ?? 0;
    // Outputs land in the ONNX names directly unless skipped or transposed back.
    const wanted = node.outputs.slice(0, cell === 'LSTM' ? 3 : 2);
    const direct = !batchMajor && wanted.length === (cell === 'LSTM' ? 3 : 2) && wanted.every(Boolean);
    const outs = ctx.emit(cell, inputs, attrs, direct ? wanted : cell === 'LSTM' ? 3 : 2);
    if (direct) return;
    wanted.forEach((name, i) => {
      if (!name) return;
      const perm = i === 0 ? [2, 0, 1, 3] : [1, 0, 2];
      ctx.emit(batchMajor ? 'Transpose' : 'Identity', [outs[i]!], batchMajor ? { perm } : {}, [name]);
    });
  };
}

for (const cell of ['RNN', 'GRU', 'LSTM'] as const) registerHandler(cell, 7, recurrent(cell));
