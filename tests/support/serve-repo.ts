// Model repositories for the serving tests, made in a temp folder from the shared models: mlp in
// two versions (version 2 is mlp with fc2.bias + 1, so the two versions answer differently),
// mobilenet_v2, and transformer_enc_dyn with symbolic batch and sequence (maxShapes in config.json).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { MODELS_DIR } from './models.js';

const { onnx } = onnxProto;

/** mlp.onnx with 1 added to every element of its last bias: a second version with other answers. */
export function mlpVersion2(): Uint8Array {
  const model = onnx.ModelProto.decode(fs.readFileSync(path.join(MODELS_DIR, 'mlp.onnx')));
  const bias = model.graph!.initializer!.find((t) => t.name === 'fc2.bias')!;
  const values = new Float32Array(Uint8Array.from(bias.rawData!).buffer).map((x) => x + 1);
  bias.rawData = new Uint8Array(values.buffer);
  return onnx.ModelProto.encode(model).finish();
}

export const TRANSFORMER_MAX = [2, 64, 256];

export type RepoModelName = 'mlp' | 'mobilenet_v2' | 'transformer_enc_dyn';

/** Writes <dir>/<model>/<version>/model.onnx (and config.json) for the models asked for. */
export function writeRepository(dir: string, models: RepoModelName[]): string {
  const put = (rel: string, bytes: Uint8Array | string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), bytes);
  };
  if (models.includes('mlp')) {
    put('mlp/1/model.onnx', fs.readFileSync(path.join(MODELS_DIR, 'mlp.onnx')));
    put('mlp/2/model.onnx', mlpVersion2());
  }
  if (models.includes('mobilenet_v2')) put('mobilenet_v2/1/model.onnx', fs.readFileSync(path.join(MODELS_DIR, 'mobilenet_v2.onnx')));
  if (models.includes('transformer_enc_dyn')) {
    put('transformer_enc_dyn/1/model.onnx', fs.readFileSync(path.join(MODELS_DIR, 'transformer_enc_dyn.onnx')));
    put('transformer_enc_dyn/config.json', JSON.stringify({ maxShapes: { input: TRANSFORMER_MAX } }, null, 2));
  }
  return dir;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `onnx2wasm-${prefix}-`));
}
