// Reads the text form written by printGraph, so optimizer tests can be written as IR text in → IR
// text out. Constants printed without values get deterministic values (0.5, 1.5, 2.5, … cycling).
import { DType, isBigInt } from './dtype.js';
import { AttrValue, Attrs, Dim, Graph, Node } from './graph.js';
import { makeTensor, sizeOf } from './tensor.js';
import { inferNode } from './infer-node.js';
import { functionNode } from './ops/function-node.js';
import { canonicalDim } from './dim-expr.js';

class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly line: number) {}
  ws(): void { while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++; }
  peek(): string { this.ws(); return this.text[this.pos] ?? ''; }
  eat(s: string): boolean { this.ws(); if (this.text.startsWith(s, this.pos)) { this.pos += s.length; return true; } return false; }
  expect(s: string): void { if (!this.eat(s)) this.fail(`expected '${s}'`); }
  fail(msg: string): never { throw new Error(`IR text line ${this.line}: ${msg} at '${this.text.slice(this.pos, this.pos + 30)}'`); }
  match(re: RegExp): string {
    this.ws();
    const m = re.exec(this.text.slice(this.pos));
    if (!m || m.index !== 0) this.fail(`expected ${re}`);
    this.pos += m[0].length;
    return m[0];
  }
  name(): string {
    this.expect('%');
    if (this.peek() === '"') return JSON.parse(this.match(/"(?:[^"\\]|\\.)*"/)) as string;
    return this.match(/[\w./#-]+/);
  }
  type(): { dtype: DType; shape: Dim[] } {
    const dtype = this.match(/[a-z0-9]+/) as DType;
    this.expect('[');
    const shape: Dim[] = [];
    while (!this.eat(']')) {
      const d = this.match(/[\w?*+-]+/);
      shape.push(/^\d+$/.test(d) ? Number(d) : canonicalDim(d));
      this.eat(',');
    }
    return { dtype, shape };
  }
  value(): AttrValue {
    const c = this.peek();
    if (c === '[') {
      this.expect('[');
      const items: (number | string)[] = [];
      while (!this.eat(']')) { items.push(this.value() as number | string); this.eat(','); }
      return items as number[] | string[];
    }
    if (c === '"') return JSON.parse(this.match(/"(?:[^"\\]|\\.)*"/)) as string;
    const tok = this.match(/[-+\w.]+/);
    if (tok === 'true' || tok === 'false') return tok === 'true';
    if (tok === 'null') return null;
    const n = Number(tok);
    if (Number.isNaN(n) && tok !== 'NaN') this.fail(`bad value '${tok}'`);
    return n;
  }
}

export function parseGraph(text: string): Graph {
  const raw = text.split('\n');
  const lines = raw.map((l, i) => ({ l: l.replace(/ {2}# .*$/, ''), i: i + 1 })).filter(({ l }) => l.trim());
  const g: Graph = { name: 'main', inputs: [], outputs: [], nodes: [], types: new Map(), constants: new Map() };
  const head = new Cursor(lines[0]!.l, lines[0]!.i);
  head.expect('graph');
  g.name = head.match(/[\w.-]+/);
  head.expect('(');
  while (!head.eat(')')) {
    const n = head.name();
    head.expect(':');
    g.inputs.push(n);
    g.types.set(n, head.type());
    head.eat(',');
  }
  head.expect('->');
  head.expect('(');
  while (!head.eat(')')) { g.outputs.push(head.name()); head.eat(','); }

  let counter = 0;
  for (const { l, i } of lines.slice(1)) {
    const c = new Cursor(l, i);
    if (c.eat('const')) {
      const name = c.name();
      c.expect(':');
      const { dtype, shape } = c.type();
      const dims = shape as number[];
      let values: number[];
      if (c.eat('=')) values = (c.value() as number[]).map(Number);
      else values = Array.from({ length: sizeOf(dims) }, (_, k) => (isBigInt(dtype) || dtype.startsWith('int') || dtype.startsWith('uint') ? k % 7 : (k % 7) + 0.5));
      g.constants.set(name, makeTensor(dtype, dims, values));
      g.types.set(name, { dtype, shape: [...dims] });
      continue;
    }
    const outputs: string[] = [];
    do {
      if (c.eat('_')) { outputs.push(''); continue; }
      outputs.push(c.name());
      if (c.eat(':')) c.type(); // recorded types are re-inferred below
    } while (c.eat(','));
    c.expect('=');
    const op = c.match(/\w+/);
    c.expect('(');
    const inputs: string[] = [];
    while (!c.eat(')')) { inputs.push(c.eat('_') ? '' : c.name()); c.eat(','); }
    const attrs: Attrs = {};
    if (c.eat('{')) {
      while (!c.eat('}')) {
        const k = c.match(/\w+/);
        c.expect('=');
        attrs[k] = c.value();
        c.eat(',');
      }
    }
    const nameMatch = / {2}# (.+)$/.exec(raw[i - 1]!);
    // A function id (`Add(...)`) is a Unary/Binary node computing it.
    const node: Node = functionNode(nameMatch ? nameMatch[1]!.trim() : `${op}_${counter++}`, op, inputs, outputs, attrs);
    inferNode(g, node);
    g.nodes.push(node);
  }
  return g;
}
