// The server's metrics in Prometheus text format (GET /metrics), recorded in one place: the
// inference handler observes every infer request here, on Node and in Workers alike.

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series { requests: number; failures: number; buckets: number[]; sum: number; count: number }

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class Metrics {
  private readonly series = new Map<string, Series>();
  private readonly http = new Map<number, number>();

  private get(model: string, version: number): Series {
    const key = `model="${escape(model)}",version="${version}"`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { requests: 0, failures: 0, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    return s;
  }

  /** One inference request on a known model version; `seconds` only for those that ran. */
  observeInference(model: string, version: number, ok: boolean, seconds?: number): void {
    const s = this.get(model, version);
    s.requests++;
    if (!ok) s.failures++;
    if (seconds === undefined) return;
    s.sum += seconds;
    s.count++;
    BUCKETS.forEach((b, i) => { if (seconds <= b) s.buckets[i]!++; });
  }

  observeHttp(status: number): void {
    this.http.set(status, (this.http.get(status) ?? 0) + 1);
  }

  render(queueDepth: number): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('onnx2wasm_http_requests_total', 'counter', 'HTTP requests answered, by status code.');
    for (const [status, n] of [...this.http].sort((a, b) => a[0] - b[0])) lines.push(`onnx2wasm_http_requests_total{code="${status}"} ${n}`);
    family('onnx2wasm_inference_requests_total', 'counter', 'Inference requests per model and version.');
    for (const [k, s] of this.series) lines.push(`onnx2wasm_inference_requests_total{${k}} ${s.requests}`);
    family('onnx2wasm_inference_failures_total', 'counter', 'Inference requests that failed (any status but 200).');
    for (const [k, s] of this.series) lines.push(`onnx2wasm_inference_failures_total{${k}} ${s.failures}`);
    family('onnx2wasm_inference_queue_depth', 'gauge', 'Requests waiting for a model instance.');
    lines.push(`onnx2wasm_inference_queue_depth ${queueDepth}`);
    family('onnx2wasm_inference_duration_seconds', 'histogram', 'Time from a validated request to its outputs (queueing included).');
    for (const [k, s] of this.series) {
      BUCKETS.forEach((b, i) => lines.push(`onnx2wasm_inference_duration_seconds_bucket{${k},le="${b}"} ${s.buckets[i]}`));
      lines.push(`onnx2wasm_inference_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`);
      lines.push(`onnx2wasm_inference_duration_seconds_sum{${k}} ${s.sum}`);
      lines.push(`onnx2wasm_inference_duration_seconds_count{${k}} ${s.count}`);
    }
    return lines.join('\n') + '\n';
  }
}
