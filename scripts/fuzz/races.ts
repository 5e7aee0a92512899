// External-data races (mutate-external.ts): while a case runs, one flipper process per racing side
// file keeps swapping it for a symlink out of the model's folder (race-flipper.mjs).
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SideFile } from './mutate-model.js';

/** Starts the flippers for `files` (paths relative to the model's folder `dir`) once they run; the result stops them. */
export async function startRaces(dir: string, files: readonly SideFile[]): Promise<() => Promise<void>> {
  const flipper = fileURLToPath(new URL('./race-flipper.mjs', import.meta.url));
  const procs = files.filter((f) => f.raceTo).map((f) => fork(flipper, [path.resolve(dir, f.path), f.raceTo!], { stdio: 'ignore', execArgv: [] }));
  await Promise.all(procs.map((p) => new Promise((resolve) => { p.once('message', resolve); p.once('exit', resolve); })));
  return async () => {
    await Promise.all(procs.map((p) => new Promise((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve(undefined);
      p.once('exit', resolve);
      p.kill();
    })));
  };
}
