// The stable error codes, read from the union types that define them, so the fuzzer, the docs test
// and the code never disagree about which codes exist.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);

function unionMembers(file: string, typeName: string): string[] {
  const text = fs.readFileSync(fileURLToPath(new URL(file, root)), 'utf8');
  const m = new RegExp(`export type ${typeName} =([^;]*);`).exec(text);
  if (!m) throw new Error(`${file}: no type ${typeName}`);
  return [...m[1]!.matchAll(/'([A-Z_]+)'/g)].map((x) => x[1]!);
}

export const COMPILE_ERROR_CODES: readonly string[] = unionMembers('packages/ir/src/errors.ts', 'CompileErrorCode');
export const RUNTIME_ERROR_CODES: readonly string[] = unionMembers('packages/runtime/src/errors.ts', 'RuntimeErrorCode');
