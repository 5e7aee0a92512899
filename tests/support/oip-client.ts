// A small Open Inference Protocol (KServe v2 REST) client, written from the protocol text (kserve
// docs/predict-api/v2/required_api.md and Triton's binary tensor data extension), not from our
// server's code: the serving tests drive both the Node server and the Worker with it.

export interface TensorIn { name: string; shape: number[]; datatype: string; data: ArrayLike<number> | number[] | unknown[] }
export interface TensorOut { name: string; shape: number[]; datatype: string; data: Float32Array | number[] }
export interface InferResult { status: number; model_name?: string; model_version?: string; id?: string; outputs: TensorOut[]; error?: string }

/** Bytes per element of the binary extension, by datatype (BOOL is one byte). */
const WIDTH: Record<string, number> = { BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, BF16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8 };

function binaryOf(t: TensorIn): Uint8Array {
  if (t.datatype === 'FP32') return new Uint8Array(Float32Array.from(t.data as ArrayLike<number>).buffer);
  if (t.datatype === 'INT64') return new Uint8Array(BigInt64Array.from(Array.from(t.data as ArrayLike<number>, (x) => BigInt(x))).buffer);
  throw new Error(`the test client sends ${t.datatype} as JSON only`);
}

function decodeBinary(datatype: string, bytes: Uint8Array): Float32Array | number[] {
  const copy = bytes.slice();
  if (datatype === 'FP32') return new Float32Array(copy.buffer);
  if (datatype === 'INT64') return Array.from(new BigInt64Array(copy.buffer), Number);
  if (datatype === 'BOOL') return Array.from(copy);
  throw new Error(`the test client cannot decode binary ${datatype} (${WIDTH[datatype] ?? '?'} bytes each)`);
}

export class OipClient {
  constructor(readonly baseUrl: string) {}

  private path(model: string, version?: string | number): string {
    return `${this.baseUrl}/v2/models/${encodeURIComponent(model)}${version === undefined ? '' : `/versions/${version}`}`;
  }

  /** GET as JSON, with the status. */
  async get(path: string): Promise<{ status: number; body: any }> {
    const res = await fetch(this.baseUrl + path);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  serverMetadata() { return this.get('/v2'); }
  live() { return this.get('/v2/health/live'); }
  ready() { return this.get('/v2/health/ready'); }
  modelMetadata(model: string, version?: string | number) { return this.get(this.path(model, version).slice(this.baseUrl.length)); }
  modelReady(model: string, version?: string | number) { return this.get(this.path(model, version).slice(this.baseUrl.length) + '/ready'); }

  /** POST .../infer. binaryInputs: tensor data after the JSON; binaryOutputs: ask for binary outputs. */
  async infer(model: string, inputs: TensorIn[], opts: { version?: string | number; id?: string; outputs?: { name: string; binary?: boolean }[]; binaryInputs?: boolean; binaryOutputs?: boolean } = {}): Promise<InferResult> {
    const blobs: Uint8Array[] = [];
    const request: Record<string, unknown> = {
      ...(opts.id ? { id: opts.id } : {}),
      inputs: inputs.map((t) => {
        if (!opts.binaryInputs) return { name: t.name, shape: t.shape, datatype: t.datatype, data: Array.from(t.data as ArrayLike<number>) };
        const b = binaryOf(t);
        blobs.push(b);
        return { name: t.name, shape: t.shape, datatype: t.datatype, parameters: { binary_data_size: b.byteLength } };
      }),
      ...(opts.outputs ? { outputs: opts.outputs.map((o) => ({ name: o.name, ...(o.binary !== undefined ? { parameters: { binary_data: o.binary } } : {}) })) } : {}),
      ...(opts.binaryOutputs ? { parameters: { binary_data_output: true } } : {}),
    };
    const json = new TextEncoder().encode(JSON.stringify(request));
    const headers: Record<string, string> = { 'content-type': blobs.length ? 'application/octet-stream' : 'application/json' };
    let body: Uint8Array = json;
    if (blobs.length) {
      headers['inference-header-content-length'] = String(json.byteLength);
      body = concat([json, ...blobs]);
    }
    const res = await fetch(this.path(model, opts.version) + '/infer', { method: 'POST', headers, body });
    return this.readInferResponse(res);
  }

  async readInferResponse(res: Response): Promise<InferResult> {
    const bytes = new Uint8Array(await res.arrayBuffer());
    const headerLength = res.headers.get('inference-header-content-length');
    const jsonEnd = headerLength === null ? bytes.byteLength : Number(headerLength);
    const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(0, jsonEnd)));
    if (res.status !== 200) return { status: res.status, outputs: [], error: parsed.error };
    let offset = jsonEnd;
    const outputs = (parsed.outputs as any[]).map((o) => {
      const size = o.parameters?.binary_data_size;
      if (size === undefined) return { name: o.name, shape: o.shape, datatype: o.datatype, data: o.data };
      const data = decodeBinary(o.datatype, bytes.subarray(offset, offset + size));
      offset += size;
      return { name: o.name, shape: o.shape, datatype: o.datatype, data };
    });
    if (offset !== bytes.byteLength) throw new Error(`the response has ${bytes.byteLength - offset} bytes that no output accounts for`);
    return { status: res.status, model_name: parsed.model_name, model_version: parsed.model_version, id: parsed.id, outputs };
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.byteLength; }
  return out;
}
