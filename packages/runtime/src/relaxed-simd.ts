// Whether this engine runs relaxed-SIMD code (Node 20 only behind --experimental-wasm-relaxed-simd;
// Chrome 114+). Decided once, by validating the smallest module that uses f32x4.relaxed_madd.

const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
// (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0)))
const BODY = [0x00, ...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02, 0x0b];
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY, // code
]);

let supported: boolean | undefined;

export function relaxedSimdSupported(): boolean {
  if (supported === undefined) {
    try { supported = WebAssembly.validate(PROBE); } catch { supported = false; }
  }
  return supported;
}
