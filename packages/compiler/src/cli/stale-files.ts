// Recompiling into a folder replaces what the previous compile wrote: files it listed that the new
// compile does not write (the weights file after --embed-weights, an old hash-named weights file, a
// relaxed build) are deleted, so the folder never ships weights no glue loads. Only files an
// onnx2wasm manifest named are touched: the folder may hold the user's own files too.
import * as fs from 'node:fs';
import * as path from 'node:path';

const PLAIN_NAME = /^[A-Za-z0-9_.-]+$/;

/** The files the folder's current manifest names, or none when it has no onnx2wasm manifest. */
function previousFiles(outDir: string): string[] {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as { compiler?: { name?: string }; files?: Record<string, unknown>; weights?: { file?: unknown } };
    if (m?.compiler?.name !== 'onnx2wasm') return [];
    const named = [...Object.keys(m.files ?? {}), ...(typeof m.weights?.file === 'string' ? [m.weights.file] : [])];
    return [...new Set(named)].filter((f) => PLAIN_NAME.test(f) && f !== 'manifest.json');
  } catch {
    return [];
  }
}

/** Deletes the previous compile's files that `files` does not replace; returns their names. */
export function removeStaleFiles(outDir: string, files: Record<string, Uint8Array>): string[] {
  const stale = previousFiles(outDir).filter((f) => !(f in files) && fs.existsSync(path.join(outDir, f)));
  for (const f of stale) fs.rmSync(path.join(outDir, f), { force: true });
  return stale;
}
