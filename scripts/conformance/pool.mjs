// Runs cases in N child processes with a per-case time limit: a hang or a crash of the process is
// recorded for that case and the worker is replaced.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

export async function runPool(cases, { workers = 2, timeoutMs = 60_000, onResult = () => {} } = {}) {
  const queue = [...cases];
  const results = new Map();
  async function lane() {
    let child;
    const spawn = () => new Promise((resolve) => {
      child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
      child.once('message', () => resolve());
    });
    await spawn();
    while (queue.length) {
      const c = queue.shift();
      const result = await new Promise((resolve) => {
        const timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ name: c.name, status: 'fail', reason: 'timeout', detail: `over ${timeoutMs} ms` }); }, timeoutMs);
        const onExit = (code) => { clearTimeout(timer); resolve({ name: c.name, status: 'fail', reason: 'crash', detail: `worker exited with ${code}` }); };
        child.once('exit', onExit);
        child.once('message', (m) => { clearTimeout(timer); child.off('exit', onExit); resolve(m); });
        child.send({ dir: c.dir, name: c.name });
      });
      results.set(c.name, { ...c, ...result });
      onResult(results.get(c.name));
      if (!child.connected || child.exitCode !== null || child.killed) await spawn();
    }
    child.kill();
  }
  await Promise.all(Array.from({ length: workers }, lane));
  return cases.map((c) => results.get(c.name));
}
