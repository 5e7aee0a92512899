// Child process side of the pool: runs one case per message. A case that hangs or crashes takes
// only this process down; the parent kills it at the time limit and starts a fresh one.
import { CaseJob, runCase } from './run-case.js';

interface Request { id: number; job: CaseJob }

if (!process.send) throw new Error('worker.ts runs as a child process of the fuzz pool');

process.on('message', async (req: Request) => {
  const result = await runCase(req.job);
  // The worker's peak resident memory so far (workers are reused: a running maximum).
  process.send!({ id: req.id, result: { ...result, peakRssBytes: process.resourceUsage().maxRSS * 1024 } });
});
process.send({ ready: true });
