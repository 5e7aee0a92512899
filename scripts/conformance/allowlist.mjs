import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ALLOWLIST = fileURLToPath(new URL('../../tests/conformance/allowlist.txt', import.meta.url));
/** The cases that must pass without pinning any input value (`--no-pin`). */
export const NO_PIN_ALLOWLIST = fileURLToPath(new URL('../../tests/conformance/allowlist-no-pin.txt', import.meta.url));

/** Cases expected to pass, one `category/name` per line; CI fails if one regresses. */
export function readAllowlist(noPin = false) {
  const file = noPin ? NO_PIN_ALLOWLIST : ALLOWLIST;
  if (!fs.existsSync(file)) return new Set();
  return new Set(fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

export function writeAllowlist(set, noPin = false) {
  const header = noPin
    ? '# ONNX backend test cases that must pass without pinning any input value (category/name). Grown by `npm run conformance -- --no-pin --update-allowlist`; never shrink it.\n'
    : '# ONNX backend test cases that must pass (category/name). Grown by `npm run conformance -- --update-allowlist`; never shrink it.\n';
  fs.writeFileSync(noPin ? NO_PIN_ALLOWLIST : ALLOWLIST, header + [...set].sort().join('\n') + '\n');
}
