// `node --import` this file to run the CLI as if @onnx2wasm/server were not installed: a module
// resolve hook fails its resolution the way Node does for a missing package.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@onnx2wasm/server')) {
    const e = new Error("Cannot find package '@onnx2wasm/server' imported from " + context.parentURL);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
