// Counts what a .onnx file declares before protobufjs decodes it: decoding allocates one object
// per node, attribute and value info and one JS value per element of a repeated number field, so
// a 32 MB file of 16 M empty nodes used to exhaust the heap. The walk reads only tags and lengths,
// keeps its own stack (nesting cannot overflow the call stack) and stops at the first budget that
// runs out. Malformed bytes are left to the decoder, which reports them as INVALID_MODEL.
import { LimitError } from '@onnx2wasm/ir';
import type { ImportLimits } from './import-budget.js';

type Kind = 'model' | 'graph' | 'node' | 'attribute' | 'tensor' | 'function' | 'other';

/** The submessages we count or descend into, per message kind: field number → kind. */
const CHILDREN: Record<Kind, Record<number, Kind>> = {
  model: { 7: 'graph', 25: 'function' },
  graph: { 1: 'node', 5: 'tensor', 11: 'other', 12: 'other', 13: 'other' },
  function: { 5: 'node' },
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph' },
  tensor: {},
  other: {},
};
/** Repeated number fields decoded element by element: field number → bytes per element (0: varint). */
const NUMBERS: Partial<Record<Kind, Record<number, number>>> = {
  tensor: { 1: 0, 4: 4, 5: 0, 7: 0, 10: 8, 11: 0 },
  attribute: { 7: 4, 8: 0 },
};

export interface Census { nodes: number; entries: number; elements: number; depth: number }

/** Walks `bytes` as a ModelProto, throwing LimitError when a count passes `limits`. */
export function protoCensus(bytes: Uint8Array, limits: Required<ImportLimits>): Census {
  const c: Census = { nodes: 0, entries: 0, elements: 0, depth: 0 };
  // Each frame: a message's kind, where it ends, and how many graphs enclose it.
  const stack: { kind: Kind; end: number; graphs: number }[] = [{ kind: 'model', end: bytes.byteLength, graphs: 0 }];
  let p = 0;
  const varint = (): number => {
    let v = 0, scale = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= bytes.byteLength) return -1;
      const b = bytes[p++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    return -1;
  };
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (p >= top.end) { p = top.end; stack.pop(); continue; }
    const tag = varint();
    if (tag < 0) return c;
    const field = Math.floor(tag / 8), wire = tag & 7;
    if (wire !== 2 && NUMBERS[top.kind]?.[field] !== undefined && ++c.elements > limits.maxRepeatedElements) {
      throw new LimitError('maxRepeatedElements', c.elements, limits.maxRepeatedElements, 'the model file declares more elements in repeated number fields (dims, tensor data, attribute lists) than allowed');
    }
    if (wire === 0) { if (varint() < 0) return c; continue; }
    if (wire === 1) { p += 8; continue; }
    if (wire === 5) { p += 4; continue; }
    if (wire !== 2) return c; // groups or garbage: the decoder will say what is wrong
    const len = varint();
    if (len < 0 || p + len > top.end) return c;
    const child = CHILDREN[top.kind][field];
    const width = NUMBERS[top.kind]?.[field];
    if (width !== undefined) {
      // A packed run of numbers.
      let n = 0;
      if (width) n = Math.floor(len / width);
      else for (let i = p; i < p + len; i++) if (bytes[i]! < 0x80) n++;
      c.elements += n;
      if (c.elements > limits.maxRepeatedElements) throw new LimitError('maxRepeatedElements', c.elements, limits.maxRepeatedElements, 'the model file declares more elements in repeated number fields (dims, tensor data, attribute lists) than allowed');
      p += len;
      continue;
    }
    if (!child) { p += len; continue; }
    const graphs = top.graphs + (child === 'graph' ? 1 : 0);
    if (child === 'node' && ++c.nodes > limits.maxNodes) {
      throw new LimitError('maxNodes', c.nodes, limits.maxNodes, 'the model file declares more nodes than allowed (counted before decoding)');
    }
    if (child !== 'node' && ++c.entries > limits.maxNodes) {
      throw new LimitError('maxNodes', c.entries, limits.maxNodes, 'the model file declares more initializers, value infos, attributes and functions than allowed (counted before decoding; the limit on nodes applies)');
    }
    // The top-level graph is depth 0; a body inside it is depth 1.
    if (graphs - 1 > limits.maxSubgraphDepth) {
      throw new LimitError('maxSubgraphDepth', graphs - 1, limits.maxSubgraphDepth, 'the model file nests If/Loop/Scan bodies deeper than allowed (counted before decoding)');
    }
    c.depth = Math.max(c.depth, graphs - 1);
    stack.push({ kind: child, end: p + len, graphs });
  }
  return c;
}
