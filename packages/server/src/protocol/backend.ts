// What the protocol handlers need from whatever runs the models: the served versions with their
// metadata, and a way to run one. Node implements it with a pool of worker threads
// (node/instance-pool.ts), a Worker with models loaded in the isolate (worker-backend.ts).
import type { Tensor } from '@onnx2wasm/runtime';

export interface TensorSpec { name: string; dtype: string; dims: (number | string)[] }

export interface ModelVersionInfo {
  name: string;
  version: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface InferenceBackend {
  /** Every served model version. */
  readonly models: ModelVersionInfo[];
  /** Whether this version can answer now (loaded). */
  isReady(name: string, version: number): boolean;
  /** Runs one request; rejects with UnavailableError when the queue is full. */
  infer(name: string, version: number, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  /** Requests waiting for a model instance (a gauge for /metrics). */
  queueDepth(): number;
}
