import { Attrs, AttrValue, Graph, typeToString } from './graph.js';

function attrToString(v: AttrValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.join(',')}]`;
  if (typeof v === 'object' && 'dtype' in v && 'dims' in v) return `tensor<${v.dtype}[${v.dims.join(',')}]>`;
  if (typeof v === 'object') return `graph<${(v as Graph).name}>`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function attrsToString(a: Attrs): string {
  const keys = Object.keys(a).filter((k) => a[k] !== undefined).sort();
  return keys.length ? ` {${keys.map((k) => `${k}=${attrToString(a[k]!)}`).join(', ')}}` : '';
}

/** A readable, stable text form of a graph: used by `inspect`, pass tests and error messages. */
export function printGraph(g: Graph): string {
  const t = (v: string) => (v ? `%${v}: ${g.types.has(v) ? typeToString(g.types.get(v)!) : '?'}` : '_');
  const lines: string[] = [];
  lines.push(`graph ${g.name}(${g.inputs.map(t).join(', ')}) -> (${g.outputs.map((o) => `%${o}`).join(', ')})`);
  for (const [name, c] of [...g.constants].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  const %${name}: ${c.dtype}[${c.dims.join(',')}]`);
  }
  for (const n of g.nodes) {
    lines.push(`  ${n.outputs.map(t).join(', ')} = ${n.op}(${n.inputs.map((i) => (i ? `%${i}` : '_')).join(', ')})${attrsToString(n.attrs)}  # ${n.name}`);
  }
  return lines.join('\n');
}
