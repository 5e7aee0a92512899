// `run --output`: writes outputs to files. `file.json` holds every output (or the named one) as
// { name: { dtype, dims, data } }; `file.bin` holds one output's raw little-endian bytes.
import * as fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Tensor } from '@onnx2wasm/runtime';
import { CliFailure, UsageError } from './errors.js';
import { tensorJson } from './tensor-json.js';

export interface OutputTarget { name: string; file: string; format: 'json' | 'bin' }

/** `--output [name=]file.json|file.bin`, repeatable; the name is '' when left out. */
export function collectOutput(spec: string, previous: OutputTarget[] = []): OutputTarget[] {
  const at = spec.indexOf('=');
  const [name, file] = at < 0 ? ['', spec] : [spec.slice(0, at), spec.slice(at + 1)];
  const format = /\.json$/i.test(file) ? 'json' : /\.bin$/i.test(file) ? 'bin' : undefined;
  if (!format) throw new InvalidArgumentError(`expected [<name>=]<file.json|file.bin>, got '${spec}'`);
  if (previous.some((p) => p.file === file)) throw new InvalidArgumentError(`file '${file}' is given twice`);
  return [...previous, { name, file, format }];
}

function pick(outputs: Record<string, Tensor>, target: OutputTarget): Record<string, Tensor> {
  const names = Object.keys(outputs);
  if (target.name) {
    if (!(target.name in outputs)) throw new UsageError(`--output ${target.name}=${target.file}: the model has no output '${target.name}' (outputs: ${names.join(', ')})`);
    return { [target.name]: outputs[target.name]! };
  }
  if (target.format === 'bin' && names.length !== 1) {
    throw new UsageError(`--output ${target.file}: the model has ${names.length} outputs (${names.join(', ')}); a .bin holds one, so name it: --output <name>=${target.file}`);
  }
  return outputs;
}

/** Checks every target before writing any file, so a bad name leaves nothing half-written. */
export function writeOutputs(outputs: Record<string, Tensor>, targets: OutputTarget[]): void {
  const chosen = targets.map((t) => ({ t, tensors: pick(outputs, t) }));
  for (const { t, tensors } of chosen) {
    const bytes = t.format === 'json'
      ? new TextEncoder().encode(JSON.stringify(Object.fromEntries(Object.entries(tensors).map(([n, v]) => [n, tensorJson(v)])), null, 2) + '\n')
      : (() => {
          const d = Object.values(tensors)[0]!.data;
          return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
        })();
    try {
      fs.writeFileSync(t.file, bytes);
    } catch (e) {
      throw new CliFailure(`cannot write ${t.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}
