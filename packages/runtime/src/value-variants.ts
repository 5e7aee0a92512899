// Value variants: a model whose small integer inputs decide shapes or axes (a Reduce's axes, TopK's
// k) is compiled once per accepted value; each build lists the values it runs for
// ({ axes: [[2], [-1]] }; with several inputs, parallel lists) and a run picks the build that
// accepts the fed values.
import { RuntimeInputError } from './errors.js';
import type { Tensor } from './tensor.js';

export type ValueCondition = Record<string, number[][]>;

/** The fed values of the inputs the conditions name (dims and dtype are already checked). */
export function readValues(names: string[], feeds: Record<string, Tensor>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const n of names) out[n] = Array.from(feeds[n]!.data as ArrayLike<number | bigint>, Number);
  return out;
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether a build accepts the fed values: its per-input lists are parallel, entry i of each together. */
export function valuesMatch(cond: ValueCondition | undefined, values: Record<string, number[]>): boolean {
  if (!cond) return true;
  const lists = Object.entries(cond);
  return !lists.length || lists[0]![1].some((_, i) => lists.every(([n, l]) => same(l[i]!, values[n]!)));
}

const show = (t: number[]) => `[${t.join(',')}]`;
/** Accepted values an error message lists before it only counts the rest. */
const MAX_LISTED = 16;

const lexical = (a: number[], b: number[]) => { for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!; return 0; };

/** The error for fed values no build was compiled for; names the first input that has no match. */
export function unsupportedValue(conds: (ValueCondition | undefined)[], values: Record<string, number[]>): RuntimeInputError {
  const accepted = (n: string) => {
    const all = conds.flatMap((c) => c?.[n] ?? []);
    return all.filter((t, i) => all.findIndex((u) => same(t, u)) === i).sort(lexical);
  };
  const names = Object.keys(values);
  const name = names.find((n) => !accepted(n).some((t) => same(t, values[n]!))) ?? names[0]!;
  // Each value alone has a build, but not this combination of them.
  const others = names.filter((n) => n !== name).map((n) => `'${n}' = ${show(values[n]!)}`);
  const together = accepted(name).some((t) => same(t, values[name]!)) ? ` together with ${others.join(', ')}` : '';
  const list = accepted(name);
  const shown = list.length > MAX_LISTED ? `${list.slice(0, MAX_LISTED).map(show).join(', ')}, … (${list.length} in all)` : list.map(show).join(', ');
  return new RuntimeInputError('UNSUPPORTED_VALUE', name, `input '${name}': the model was compiled for the values ${shown} of this input (value variants), got ${show(values[name]!)}${together}`);
}

/**
 * An output's dims as the model shows them: with value variants, a dim that differs between the
 * builds (a Reduce's output along the axes it may take) is named `<output>_d<i>`, like a symbolic dim.
 */
export function publicDims(name: string, dims: (number | string)[], others: (number | string)[][]): (number | string)[] {
  const label = (i: number) => `${name.replace(/[^A-Za-z0-9_]/g, '_')}_d${i}`;
  return dims.map((d, i) => (others.every((o) => o.length === dims.length && o[i] === d) ? d : label(i)));
}
