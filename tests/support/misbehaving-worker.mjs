// A stand-in for scripts/fuzz/worker.ts that misbehaves on request (the job's modelFile says how),
// so tests can check that the fuzz pool turns hangs, crashes and out-of-memory into findings.
process.on('message', ({ id, job }) => {
  const reply = () => process.send({ id, result: { outcome: 'ran-ok' } });
  switch (job.modelFile) {
    case 'hang': for (;;);
    case 'slow': setTimeout(reply, 1500); return;
    case 'crash': process.abort(); return;
    case 'exit': process.exit(3); return;
    case 'oom': { const keep = []; for (;;) keep.push(new Array(1e6).fill(keep.length)); }
    default: reply();
  }
});
process.send({ ready: true });
