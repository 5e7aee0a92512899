#!/usr/bin/env node
// node scripts/probe-bounds-checks.mjs [--print]
// What V8 emits for wasm memory accesses when bounds are checked explicitly (as in workerd, where
// there are no guard regions) instead of by guard pages: a tiny module with two v128.loads from one
// base at constant offsets 0 and 16, straight-line and in a loop, compiled by TurboFan in a child
// `node --print-wasm-code` with and without --wasm-enforce-bounds-checks. Counts the instructions
// and the compare-and-branch checks of each function; --print shows the machine code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const WAT = `(module (memory (export "m") 1)
 (func (export "two") (param $p i32) (result f32)
   (f32x4.extract_lane 0 (f32x4.add (v128.load offset=0 (local.get $p)) (v128.load offset=16 (local.get $p)))))
 (func (export "loop") (param $p i32) (param $n i32) (result f32) (local $acc v128)
   (loop $l
     (local.set $acc (f32x4.add (local.get $acc) (f32x4.add (v128.load offset=0 (local.get $p)) (v128.load offset=16 (local.get $p)))))
     (local.set $p (i32.add (local.get $p) (i32.const 32)))
     (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
   (f32x4.extract_lane 0 (local.get $acc))))`;

if (process.argv[2] === '--child') {
  const wabt = await wabtInit();
  const { instance } = await WebAssembly.instantiate(wabt.parseWat('probe.wat', WAT, { simd: true }).toBinary({}).buffer);
  for (let i = 0; i < 1000; i++) { instance.exports.two(0); instance.exports.loop(0, 100); }
  process.exit(0);
}

const print = process.argv.includes('--print');
for (const flags of [[], ['--wasm-enforce-bounds-checks']]) {
  const r = spawnSync(process.execPath, ['--no-liftoff', '--print-wasm-code', ...flags, fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr);
  // Node's own wasm (undici's parser) is printed too: keep the two functions of our module, the
  // last ones printed with index 0 and 1.
  const blocks = r.stdout.split('--- WebAssembly code ---').filter((b) => /^index: [01]$/m.test(b) && /compiler: TurboFan/.test(b));
  for (const b of blocks.slice(-2)) {
    const name = /^index: 0$/m.test(b) ? 'two loads' : 'two loads in a loop';
    const code = b.split('\n').filter((l) => /^0x[0-9a-f]+ +[0-9a-f]+ /.test(l) && !/ nop/.test(l));
    const end = code.findIndex((l) => /retl/.test(l));
    const body = code.slice(0, end + 1);
    const loads = body.filter((l) => /movdqu xmm\d+,\[/.test(l)).length;
    const checks = body.filter((l) => /\bjnc\b/.test(l)).length;
    console.log(`${(flags[0] ?? 'default').padEnd(29)} ${name.padEnd(20)} ${body.length} instructions to ret, ${loads} vector loads, ${checks} bounds checks (cmp + jnc)`);
    if (print) console.log(body.join('\n'));
  }
}
