// Runs every allowlisted ONNX backend case of one shard (the suite is split across test files so
// vitest spreads it over both cores). Each case is its own test, named after the case.
import * as path from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with `npm run conformance`
import { readAllowlist } from '../../scripts/conformance/allowlist.mjs';
// @ts-expect-error plain ESM helper shared with `npm run conformance`
import { runCase } from '../../scripts/conformance/run-case.mjs';
import { SHARED } from '../support/models.js';

export const SHARDS = 3;

export function conformanceShard(shard: number): void {
  const names = [...(readAllowlist() as Set<string>)].sort().filter((_, i) => i % SHARDS === shard);
  it('the allowlist is not empty', () => expect(readAllowlist().size).toBeGreaterThan(0));
  for (const name of names) {
    it(name, async () => {
      const r = await runCase(path.join(SHARED, 'onnx-tests', name));
      expect(r.status, `${name}: [${r.reason}] ${r.detail}`).toBe('pass');
    });
  }
}
