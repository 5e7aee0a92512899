import { fnOf } from './ops/function-label.js';
import { isBigInt } from './dtype.js';
import { Attrs, AttrValue, Graph, typeToString } from './graph.js';
import { Tensor } from './tensor.js';

/** Constants up to this many elements print their values, so pass tests can state them in text. */
export const PRINT_VALUES_UP_TO = 16;

const BARE_NAME = /^[\w./#-]+$/;

export function valueRef(name: string): string {
  return BARE_NAME.test(name) ? `%${name}` : `%${JSON.stringify(name)}`;
}

function tensorValues(t: Tensor): string {
  const vals = Array.from(t.data as ArrayLike<number | bigint>, (v) => (isBigInt(t.dtype) ? String(v) : String(Number(v))));
  return `[${vals.join(', ')}]`;
}

function attrToString(v: AttrValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? JSON.stringify(x) : String(x))).join(', ')}]`;
  if (typeof v === 'object' && 'dtype' in v && 'dims' in v) return `tensor<${v.dtype}[${v.dims.join(',')}]>`;
  if (typeof v === 'object') return `graph<${(v as Graph).name}>`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function attrsToString(a: Attrs): string {
  const keys = Object.keys(a).filter((k) => a[k] !== undefined).sort();
  return keys.length ? ` {${keys.map((k) => `${k}=${attrToString(a[k]!)}`).join(', ')}}` : '';
}

/**
 * A readable, stable text form of a graph, used by `inspect`, pass tests and error messages.
 * `parseGraph` reads it back (constants larger than PRINT_VALUES_UP_TO lose their values).
 */
export function printGraph(g: Graph): string {
  const t = (v: string) => (v ? `${valueRef(v)}: ${g.types.has(v) ? typeToString(g.types.get(v)!) : '?'}` : '_');
  const lines: string[] = [];
  lines.push(`graph ${g.name}(${g.inputs.map(t).join(', ')}) -> (${g.outputs.map(valueRef).join(', ')})`);
  for (const [name, c] of [...g.constants].sort(([a], [b]) => a.localeCompare(b))) {
    const values = c.data.length <= PRINT_VALUES_UP_TO ? ` = ${tensorValues(c)}` : '';
    lines.push(`  const ${valueRef(name)}: ${c.dtype}[${c.dims.join(',')}]${values}`);
  }
  for (const n of g.nodes) {
    // Unary/Binary nodes print as their function (`Add(%a, %b)`), as the parser reads them back.
    const f = fnOf(n);
    const attrs = f === undefined ? n.attrs : Object.fromEntries(Object.entries(n.attrs).filter(([k]) => k !== 'fn'));
    lines.push(`  ${n.outputs.map(t).join(', ')} = ${f ?? n.op}(${n.inputs.map((i) => (i ? valueRef(i) : '_')).join(', ')})${attrsToString(attrs)}  # ${n.name}`);
  }
  return lines.join('\n');
}
