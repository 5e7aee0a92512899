// The browsers and engines the end-to-end tests drive. CI installs them (.ci/run); on a machine
// without one, the tests that need it skip with a one-line reason instead of failing a whole file.
import * as fs from 'node:fs';
import { workerdBinary } from './workerd.js';

/** Debian's Chromium (never a browser that playwright downloads); ONNX2WASM_CHROMIUM names another binary. */
export const CHROMIUM = process.env.ONNX2WASM_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the Chromium tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does)`;
}

/** Why the workerd tests cannot run here (the workerd package's binary is absent), or undefined. */
export function workerdMissing(): string | undefined {
  let bin: string;
  try {
    bin = workerdBinary();
  } catch (e) {
    return `the workerd package cannot be loaded (${(e as Error).message})`;
  }
  return fs.existsSync(bin) ? undefined : `${bin} is missing (npm ci installs the workerd package's binary)`;
}
