// Spawned by the fuzz campaign for external-data race cases: keeps replacing `target` (atomic
// renames) by a copy of its original bytes and by a symlink to `linkTo`, until killed.
// node race-flipper.mjs <target> <linkTo>; it also stops when its parent goes away or after 10 min.
import * as fs from 'node:fs';
import * as path from 'node:path';

const [target, linkTo] = process.argv.slice(2);
const data = fs.readFileSync(target);
const dir = path.dirname(target);
const parent = process.ppid;
const until = Date.now() + 600_000;
process.send?.('started');
for (let i = 0; i % 256 !== 0 || (process.ppid === parent && Date.now() < until); i++) {
  const tmp = path.join(dir, `.race-next${i % 2}`);
  fs.rmSync(tmp, { force: true });
  if (i % 2) fs.symlinkSync(linkTo, tmp);
  else fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, target);
}
