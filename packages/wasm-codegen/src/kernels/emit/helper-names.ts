// Names for helper functions specialized on a key (gemm-rows.ts, conv-nhwc-depthwise-rows.ts, the
// NHWC Winograd output transform): one function per distinct key and module, named `<prefix>_<n>`
// in the order the keys first appear. The key is any JSON value; equal JSON is the same helper.
import type { WasmModuleBuilder } from '../../wasm-builder.js';

/** Per module: prefix → (key → name). */
const namesOf = new WeakMap<WasmModuleBuilder, Map<string, Map<string, string>>>();

/** The helper's name for `key`, and whether this call is the first to ask for it (the caller builds it then). */
export function keyedHelperName(module: WasmModuleBuilder, prefix: string, key: unknown): { name: string; first: boolean } {
  let byPrefix = namesOf.get(module);
  if (!byPrefix) namesOf.set(module, (byPrefix = new Map()));
  let names = byPrefix.get(prefix);
  if (!names) byPrefix.set(prefix, (names = new Map()));
  const k = JSON.stringify(key);
  const known = names.get(k);
  if (known) return { name: known, first: false };
  const name = `${prefix}_${names.size}`;
  names.set(k, name);
  return { name, first: true };
}
