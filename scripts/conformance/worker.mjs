// Child process: runs the cases the parent sends, one at a time, and reports each result.
import { runCase } from './run-case.mjs';

process.on('message', async ({ dir, name }) => {
  let result;
  try { result = await runCase(dir); } catch (e) { result = { status: 'fail', reason: 'crash', detail: String(e?.message ?? e) }; }
  process.send({ name, ...result });
});
process.send({ ready: true });
