// The runtime's built files, copied next to every compiled model so the output runs without installing anything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { CompileError } from '@onnx2wasm/ir';

/**
 * The glue and the runtime copy are ES modules with .js names, so the folder says so itself: without
 * this file Node would read them as CommonJS inside a project whose package.json has no "type"
 * (what `npm init -y` makes) and fail with "Cannot use import statement outside a module".
 */
export const FOLDER_PACKAGE_JSON: Record<string, Uint8Array> = {
  'package.json': new TextEncoder().encode(JSON.stringify({ type: 'module', private: true, sideEffects: false }, null, 2) + '\n'),
};

/** Files every folder gets the same (runtime copy, package.json): not listed in the manifest's files. */
export const isFolderSupport = (file: string): boolean => file.startsWith('runtime/') || file in FOLDER_PACKAGE_JSON;

let cached: Record<string, Uint8Array> | undefined;

// The .map files stay behind (they point at sources that are not shipped), so the comments that
// name them go too: otherwise browser devtools and bundlers ask for files that are not there.
function withoutSourceMapLink(text: string): Uint8Array {
  return new TextEncoder().encode(text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
}

export function runtimeFiles(): Record<string, Uint8Array> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve('@onnx2wasm/runtime/package.json'));
  } catch {
    throw new CompileError('IO_ERROR', 'the @onnx2wasm/runtime package cannot be found; reinstall onnx2wasm');
  }
  const dist = path.join(dir, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new CompileError('IO_ERROR', `the runtime is not built (${dist}); run npm run build`);
  const files: Record<string, Uint8Array> = {};
  for (const f of fs.readdirSync(dist)) {
    if (f.endsWith('.js') || f.endsWith('.d.ts')) files[`runtime/${f}`] = withoutSourceMapLink(fs.readFileSync(path.join(dist, f), 'utf8'));
  }
  return (cached = files);
}
