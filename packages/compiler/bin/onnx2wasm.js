#!/usr/bin/env node
// npm links bins at install time, before dist/ is built, so the link points at this committed file.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('error: onnx2wasm is not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(main.href);
