// Loads plugin files for the CLI's --plugin: an ES module whose default export is a definePlugin value.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompileError } from '@onnx2wasm/ir';
import { Plugin, definePlugin } from './define-plugin.js';

export async function loadPluginFile(file: string): Promise<Plugin> {
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(path.resolve(file)).href) as { default?: unknown };
  } catch (e) {
    throw new CompileError('IO_ERROR', `cannot load plugin '${file}': ${(e as Error).message}`);
  }
  if (!mod.default) throw new CompileError('INVALID_OPTION', `plugin '${file}' has no default export (export default definePlugin({ ... }))`);
  try {
    return definePlugin(mod.default as Plugin);
  } catch (e) {
    throw new CompileError('INVALID_OPTION', `plugin file '${file}': ${(e as Error).message}`);
  }
}
