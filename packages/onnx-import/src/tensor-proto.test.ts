import { describe, expect, it } from 'vitest';
import { decodeElement } from '@onnx2wasm/ir';
import { tensorFromProto } from './tensor-proto.js';

describe('low-precision TensorProtos', () => {
  it('unpacks int4 raw_data (two per byte, low nibble first), odd counts included', () => {
    const t = tensorFromProto({ name: 'q', dataType: 22, dims: [3], rawData: new Uint8Array([0x8f, 0x07]) });
    expect(t.dtype).toBe('int4');
    expect(Array.from(t.data)).toEqual([-1, -8, 7]);
  });
  it('unpacks uint2 from int32_data, one packed byte per entry', () => {
    const t = tensorFromProto({ name: 'q', dataType: 25, dims: [5], int32Data: [0b11100100, 0b10] });
    expect(Array.from(t.data)).toEqual([0, 1, 2, 3, 2]);
  });
  it('keeps float8 and bfloat16 bits, from raw_data or int32_data', () => {
    const f8 = tensorFromProto({ name: 'f', dataType: 17, dims: [2], int32Data: [0x7e, 0xb8] });
    expect(Array.from(f8.data, (v) => decodeElement('float8e4m3fn', Number(v)))).toEqual([448, -1]);
    const bf = tensorFromProto({ name: 'b', dataType: 16, dims: [1], rawData: new Uint8Array([0x40, 0xc0]) });
    expect(decodeElement('bfloat16', bf.data[0] as number)).toBe(-3);
  });
  it('rejects packed raw_data of the wrong length', () => {
    expect(() => tensorFromProto({ name: 'q', dataType: 21, dims: [3], rawData: new Uint8Array([1]) })).toThrow(/raw_data has 1 bytes/);
  });
});
