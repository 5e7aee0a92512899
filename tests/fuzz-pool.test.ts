// The fuzz pool is what turns a hang, a crash or an out-of-memory into a finding instead of a stuck
// or dead campaign: check each with a worker that misbehaves on purpose, and that the pool recovers.
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../scripts/fuzz/pool.js';
import type { CaseJob } from '../scripts/fuzz/run-case.js';
import { REPO_ROOT } from './support/models.js';

const pool = new WorkerPool({ size: 1, timeoutMs: 3000, maxHeapMb: 64, workerScript: path.join(REPO_ROOT, 'tests/support/misbehaving-worker.mjs') });
afterAll(() => pool.close());

const job = (how: string): CaseJob => ({ modelFile: how, compile: { embedWeights: false, optimize: true, verify: false }, feedSeed: 0, feedMode: 'valid', corruptModule: false });
const run = (how: string, timeoutMs?: number) => pool.use((_slot, exec) => exec(job(how), timeoutMs));

describe('fuzz worker pool', () => {
  it.each([
    ['hang', 'finding:timeout', /no result after 3000 ms/],
    ['crash', 'finding:crash', /worker died \(exit null, signal SIGABRT\)/],
    ['exit', 'finding:crash', /worker died \(exit 3, signal null\)/],
    ['oom', 'finding:out-of-memory', /worker died/],
  ])('a worker that does "%s" gives %s, and the next case runs on a fresh worker', async (how, outcome, message) => {
    const r = await run(how);
    expect(r.outcome).toBe(outcome);
    expect(r.finding?.message).toMatch(message);
    expect((await run('ok')).outcome).toBe('ran-ok');
  }, 60_000);

  it('a per-case limit overrides the pool default (the campaign confirms timeouts with 5x)', async () => {
    expect((await run('slow', 500)).outcome).toBe('finding:timeout');
    expect((await run('slow', 10_000)).outcome).toBe('ran-ok');
  }, 60_000);
});
