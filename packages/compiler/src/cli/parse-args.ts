// Commander argument parsers for the option values that have structure. Each throws
// InvalidArgumentError, which commander prints as one `error:` line naming the option.
import { InvalidArgumentError } from 'commander';

/** Where an input's data comes from in `run`: generated, or read from a file. */
export type InputSource = { kind: 'random' } | { kind: 'zeros' } | { kind: 'json'; file: string } | { kind: 'bin'; file: string };

// ONNX value names may contain '=' (rarely) but never end in a dim list, so split at the last '='.
function splitNameValue(spec: string, what: string): [string, string] {
  const at = spec.lastIndexOf('=');
  if (at <= 0 || at === spec.length - 1) throw new InvalidArgumentError(`expected <name>=<${what}>, got '${spec}'`);
  return [spec.slice(0, at), spec.slice(at + 1)];
}

/** `--shape input=1,3,224,224` / `--max-shape`, repeatable; collects into { input: [1, 3, 224, 224] }. */
export function collectShape(spec: string, previous: Record<string, number[]> = {}): Record<string, number[]> {
  const [name, list] = splitNameValue(spec, 'd0,d1,...');
  const dims = list.split(',').map((d) => d.trim());
  if (dims.some((d) => !/^\d+$/.test(d))) throw new InvalidArgumentError(`dims of '${name}' must be non-negative integers separated by commas, got '${list}'`);
  if (name in previous) throw new InvalidArgumentError(`input '${name}' is given twice`);
  return { ...previous, [name]: dims.map(Number) };
}

/**
 * `--input-shape input=1,3,224,224`, repeatable. A dim may also be a name (`input=N,3,224,224`):
 * it makes that dim symbolic, read at run time.
 */
export function collectInputShape(spec: string, previous: Record<string, (number | string)[]> = {}): Record<string, (number | string)[]> {
  const [name, list] = splitNameValue(spec, 'd0,d1,...');
  const dims = list.split(',').map((d) => d.trim());
  if (dims.some((d) => !/^(\d+|[A-Za-z_][A-Za-z0-9_]*)$/.test(d))) throw new InvalidArgumentError(`dims of '${name}' must be non-negative integers or dim names separated by commas, got '${list}'`);
  if (name in previous) throw new InvalidArgumentError(`input '${name}' is given twice`);
  return { ...previous, [name]: dims.map((d) => (/^\d+$/.test(d) ? Number(d) : d)) };
}

/** `--constant sr=16000` / `--constant axes=0,-1`, repeatable; the model's declaration gives dtype and dims. */
export function collectConstant(spec: string, previous: Record<string, number[]> = {}): Record<string, number[]> {
  const [name, list] = splitNameValue(spec, 'v0,v1,...');
  const values = list.split(',').map((v) => v.trim());
  if (values.some((v) => v === '' || !Number.isFinite(Number(v)))) throw new InvalidArgumentError(`values of '${name}' must be numbers separated by commas, got '${list}'`);
  if (name in previous) throw new InvalidArgumentError(`input '${name}' is given twice`);
  return { ...previous, [name]: values.map(Number) };
}

function parseSource(value: string): InputSource {
  if (value === 'random' || value === 'zeros') return { kind: value };
  return value.toLowerCase().endsWith('.json') ? { kind: 'json', file: value } : { kind: 'bin', file: value };
}

/**
 * `--input name=random|zeros|file.json|file.bin`, repeatable. The name may be left out
 * (`--input data.bin`) when the model has one input; it is stored under '' and resolved later.
 */
export function collectInput(spec: string, previous: Record<string, InputSource> = {}): Record<string, InputSource> {
  const at = spec.indexOf('=');
  const [name, value] = at < 0 ? ['', spec] : [spec.slice(0, at), spec.slice(at + 1)];
  if (value === '') throw new InvalidArgumentError(`expected <name>=random|zeros|<file.json>|<file.bin>, got '${spec}'`);
  if (name in previous) throw new InvalidArgumentError(name ? `input '${name}' is given twice` : 'only one --input may leave out the input name');
  return { ...previous, [name]: parseSource(value) };
}

export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new InvalidArgumentError(`the seed must be an integer from 0 to 4294967295, got '${value}'`);
  return Number(value);
}

export function parseTolerance(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative number such as 1e-4, got '${value}'`);
  return n;
}

/** `--passes fold-constants,dce`; names are checked against the registry by compile(). */
export function parsePassList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('expected a comma-separated list of pass names');
  return names;
}

/** --limit maxNodes=2000000 (repeatable): a compile-time budget; `inf` lifts it. */
export function collectLimit(spec: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([A-Za-z]+)=(\d+|inf)$/.exec(spec);
  if (!m) throw new InvalidArgumentError(`expected <limit>=<whole number or inf>, e.g. maxNodes=2000000, got '${spec}'`);
  return { ...previous, [m[1]!]: m[2] === 'inf' ? Infinity : Number(m[2]) };
}
