import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ALLOWLIST = fileURLToPath(new URL('../../tests/conformance/allowlist.txt', import.meta.url));

/** Cases expected to pass, one `category/name` per line; CI fails if one regresses. */
export function readAllowlist() {
  if (!fs.existsSync(ALLOWLIST)) return new Set();
  return new Set(fs.readFileSync(ALLOWLIST, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

export function writeAllowlist(set) {
  const header = '# ONNX backend test cases that must pass (category/name). Grown by `npm run conformance -- --update-allowlist`; never shrink it.\n';
  fs.writeFileSync(ALLOWLIST, header + [...set].sort().join('\n') + '\n');
}
