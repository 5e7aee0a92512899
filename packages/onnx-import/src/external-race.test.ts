// External data under attack: another process flips the data file between a regular file and a
// symlink to a secret outside the model's folder while we import. Every read must give either the
// real weights or a typed error, never the secret's bytes (issue #19: the old check-then-open read
// the secret about once in 40 imports).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxImportError } from './errors.js';
import { tensorFromProto } from './tensor-proto.js';

const SECONDS = 3;

// Atomic renames of a prepared regular file and a prepared symlink onto race.bin, as fast as it can.
const FLIPPER = `
const fs = require('node:fs');
const [dir, until] = [process.argv[1], Number(process.argv[2])];
let i = 0;
while (Date.now() < until) {
  const tmp = dir + '/next' + (i++ % 2);
  try { fs.rmSync(tmp, { force: true }); } catch {}
  if (i % 2) fs.symlinkSync('../secret.bin', tmp); else fs.writeFileSync(tmp, Buffer.alloc(16, 1));
  fs.renameSync(tmp, dir + '/race.bin');
}`;

describe('external data read while another process swaps the file for a symlink', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'o2w-race-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it(`never returns the secret's bytes (${SECONDS} s race)`, async () => {
    const dir = path.join(root, 'model');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(root, 'secret.bin'), Buffer.alloc(16, 0x42));
    fs.writeFileSync(path.join(dir, 'race.bin'), Buffer.alloc(16, 1));
    const proto = { name: 'W', dataType: 1, dims: [4], dataLocation: 1, externalData: [{ key: 'location', value: 'race.bin' }] };
    const flipper = spawn(process.execPath, ['-e', FLIPPER, dir, String(Date.now() + SECONDS * 1000)], { stdio: 'inherit' });
    const exited = new Promise<number | null>((resolve) => flipper.on('exit', resolve));
    const outcomes = { weights: 0, secret: 0, refused: 0 };
    const until = Date.now() + SECONDS * 1000;
    try {
      while (Date.now() < until) {
        try {
          const t = tensorFromProto(proto, { baseDir: dir });
          const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, 16);
          if (bytes.every((b) => b === 0x42)) outcomes.secret++;
          else if (bytes.every((b) => b === 1)) outcomes.weights++;
          else throw new Error(`unexpected bytes ${bytes}`);
        } catch (e) {
          expect(e).toBeInstanceOf(OnnxImportError);
          expect(['INVALID_MODEL', 'IO_ERROR']).toContain((e as OnnxImportError).code);
          outcomes.refused++;
        }
        // Let the flipper's process get the CPU on a busy machine.
        if ((outcomes.weights + outcomes.refused) % 64 === 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      flipper.kill();
    }
    await exited;
    console.log(`external-data race: ${JSON.stringify(outcomes)}`);
    expect(outcomes.secret).toBe(0);
    // The race really ran: both the file and the symlink were seen.
    expect(outcomes.weights).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 20_000);
});
