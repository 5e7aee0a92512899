// ../../../runtime/dist/errors.js
var RuntimeError = class extends Error {
  code;
  /** Set on EXECUTION_FAILED. */
  reason;
  /** `cause`: the engine's own error, when one is behind this one (a WebAssembly.CompileError or RuntimeError). */
  constructor(code, message, options) {
    super(message, options);
    this.name = "RuntimeError";
    this.code = code;
    if (options?.reason)
      this.reason = options.reason;
  }
};
var RuntimeInputError = class extends RuntimeError {
  input;
  constructor(code, input, message) {
    super(code, message);
    this.name = "RuntimeInputError";
    this.input = input;
  }
};

// ../../../runtime/dist/tensor.js
var ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  bfloat16: Uint16Array,
  float8e4m3fn: Uint8Array,
  float8e4m3fnuz: Uint8Array,
  float8e5m2: Uint8Array,
  float8e5m2fnuz: Uint8Array,
  float4e2m1: Uint8Array,
  int4: Int8Array,
  uint4: Uint8Array,
  int2: Int8Array,
  uint2: Uint8Array,
  float8e8m0: Uint8Array
};

// ../../../runtime/dist/host-imports.js
var UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "expm1", "log", "log1p", "log2", "log10", "cbrt"];
var MATH = {
  ...Object.fromEntries(UNARY.map((n) => [n, Math[n]])),
  // C's powf (onnxruntime): 1 ** y and (-1) ** ±Inf are 1 even for NaN y; Math.pow gives NaN.
  pow: (a, b) => a === 1 || a === -1 && Math.abs(b) === Infinity ? 1 : Math.pow(a, b),
  fmod: (a, b) => a % b,
  atan2: Math.atan2,
  // Seeds RandomUniform nodes that have no seed attribute, once per run.
  random: Math.random
};
function hostImports(module) {
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === "env" && imp.kind === "memory")
      continue;
    const fn = imp.module === "math" && imp.kind === "function" ? MATH[imp.name] : void 0;
    if (!fn)
      throw new Error(`the module imports '${imp.module}.${imp.name}', which this runtime does not provide`);
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  return imports;
}

// ../../../runtime/dist/relaxed-simd.js
var V128_ZERO = [253, 12, ...new Array(16).fill(0)];
var BODY = [0, ...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 253, 133, 2, 11];
var PROBE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  // magic, version
  1,
  5,
  1,
  96,
  0,
  1,
  123,
  // types: () -> v128
  3,
  2,
  1,
  0,
  // one function of type 0
  10,
  BODY.length + 2,
  1,
  BODY.length,
  ...BODY
  // code
]);
var supported;
function relaxedSimdSupported() {
  if (supported === void 0) {
    try {
      supported = WebAssembly.validate(PROBE);
    } catch {
      supported = false;
    }
  }
  return supported;
}

// ../../../runtime/dist/validate-meta.js
var isCount = (v) => Number.isSafeInteger(v) && v >= 0;
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function invalid(what) {
  throw new RuntimeError("INVALID_MODULE", `the module's onnx2wasm metadata is damaged (${what}); recompile the model with this version`);
}
function checkRange(what, offset, byteLength, memoryBytes) {
  if (!isCount(offset) || !isCount(byteLength))
    invalid(`${what}: offset ${String(offset)}, byteLength ${String(byteLength)}`);
  if (offset + byteLength > memoryBytes)
    invalid(`${what} ends at byte ${offset + byteLength}, past the ${memoryBytes} bytes of memory`);
}
var isPoly = (p) => Array.isArray(p) && p.every((t) => Array.isArray(t) && Number.isSafeInteger(t[0]) && t.slice(1).every((x) => typeof x === "string"));
function checkDynamic(d, memoryBytes) {
  if (d === void 0)
    return 0;
  if (!isObject(d) || !Array.isArray(d.symbols) || !d.symbols.every((x) => typeof x === "string") || !Array.isArray(d.buffers))
    invalid("damaged dynamic-dims entry");
  if (!d.buffers.every((b) => isObject(b) && isPoly(b.bytes) && Number.isSafeInteger(b.first) && Number.isSafeInteger(b.last)))
    invalid("damaged run-time buffer list");
  checkRange("the dims table", d.table, 4 * (d.symbols.length + d.buffers.length), memoryBytes);
  if (!isCount(d.base) || d.base < d.table + 4 * (d.symbols.length + d.buffers.length))
    invalid("run-time buffers overlap the dims table");
  if (d.maxDims !== void 0 && (!isObject(d.maxDims) || !Object.values(d.maxDims).every(isCount)))
    invalid("damaged dim bounds");
  const symbols = d.symbols;
  if (d.computed !== void 0 && (!Array.isArray(d.computed) || !d.computed.every((c) => isObject(c) && symbols.includes(c.symbol) && (c.bound === void 0 || isPoly(c.bound)) && typeof c.node === "string" && typeof c.op === "string")))
    invalid("damaged run-time dim list");
  return d.buffers.length;
}
function checkSlots(kind, slots, memoryBytes, buffers) {
  if (!Array.isArray(slots))
    invalid(`${kind} is not a list`);
  const seen = /* @__PURE__ */ new Set();
  for (const s of slots) {
    if (!isObject(s) || typeof s.name !== "string")
      invalid(`a slot of ${kind} has no name`);
    const where = `${kind} '${s.name}'`;
    if (seen.has(s.name))
      invalid(`${where} is listed twice`);
    seen.add(s.name);
    const Ctor = typeof s.dtype === "string" && Object.hasOwn(ARRAYS, s.dtype) ? ARRAYS[s.dtype] : void 0;
    if (!Ctor)
      invalid(`${where} has unknown dtype ${JSON.stringify(s.dtype)}`);
    if (s.buffer !== void 0) {
      if (!isCount(s.buffer) || s.buffer >= buffers || !Array.isArray(s.shape) || s.shape.length !== s.dims?.length || !s.shape.every(isPoly))
        invalid(`${where} has a damaged run-time placement`);
      continue;
    }
    if (!Array.isArray(s.dims) || !s.dims.every(isCount))
      invalid(`${where} has dims ${JSON.stringify(s.dims)}`);
    const elements = s.dims.reduce((a, d) => a * d, 1);
    if (s.byteLength !== elements * Ctor.BYTES_PER_ELEMENT)
      invalid(`${where}: byteLength ${String(s.byteLength)} does not fit dims [${s.dims}]`);
    checkRange(where, s.offset, s.byteLength, memoryBytes);
  }
}
function checkValues(cond, inputs) {
  if (cond === void 0)
    return;
  if (!isObject(cond) || new Set(Object.values(cond).map((l) => Array.isArray(l) ? l.length : -1)).size > 1)
    invalid("damaged value condition");
  for (const [name, tuples] of Object.entries(cond)) {
    const s = inputs.find((x) => x.name === name);
    if (!s || s.buffer !== void 0)
      invalid(`a value condition names '${name}', not an input with static dims`);
    const n = s.dims.reduce((a, d) => a * d, 1);
    if (!Array.isArray(tuples) || !tuples.every((t) => Array.isArray(t) && t.length === n && t.every((x) => Number.isSafeInteger(x))))
      invalid(`damaged value condition for '${name}'`);
  }
}
function validateMeta(raw, memoryBytes) {
  if (!isObject(raw))
    invalid("not an object");
  if (raw.format !== 1)
    invalid(`format ${JSON.stringify(raw.format)}, this runtime reads format 1`);
  const buffers = checkDynamic(raw.dynamic, memoryBytes);
  checkSlots("input", raw.inputs, memoryBytes, buffers);
  checkSlots("output", raw.outputs, memoryBytes, buffers);
  const w = raw.weights;
  if (!isObject(w) || typeof w.embedded !== "boolean")
    invalid("no weights entry");
  checkRange("the weights region", w.offset, w.byteLength, memoryBytes);
  if (w.sha256 !== void 0 && (typeof w.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(w.sha256)))
    invalid("damaged weights hash");
  if (!isObject(raw.memory) || !isCount(raw.memory.pages))
    invalid("no memory entry");
  checkValues(raw.whenValues, raw.inputs);
  if (raw.variants !== void 0) {
    if (!Array.isArray(raw.variants))
      invalid("variants is not a list");
    for (const v of raw.variants) {
      if (!isObject(v) || typeof v.run !== "string" || !isObject(v.when) || !Object.values(v.when).every(isCount))
        invalid("damaged variant entry");
      const n = checkDynamic(v.dynamic, memoryBytes);
      checkSlots(`variant ${v.run} input`, v.inputs, memoryBytes, n);
      checkSlots(`variant ${v.run} output`, v.outputs, memoryBytes, n);
      checkValues(v.whenValues, raw.inputs);
    }
  }
  return raw;
}

// ../../../runtime/dist/dynamic-dims.js
var PAGE = 65536;
var MAX_BYTES = 65536 * PAGE;
var align16 = (n) => Math.ceil(n / 16) * 16;
var evalPoly = (p, env) => p.reduce((s, [c, ...xs]) => s + xs.reduce((m, x) => m * env[x], c), 0);
var show = (s) => `[${s.dims}]`;
var bucket = (v, max) => {
  const step = v <= 8 ? 8 : 2 ** Math.max(0, Math.floor(Math.log2(v)) - 2);
  const up = Math.ceil(Math.max(v, 1) / step) * step;
  return max !== void 0 ? Math.max(v, Math.min(up, max)) : up;
};
var FIRST_PLAN = 8;
var MAX_GROWS = 64;
var INCONSISTENT = -2147483648;
function dynamicDims(meta, memory) {
  let lastKey = "";
  let offsets = [];
  const computed = meta.computed ?? [];
  const planned = {};
  for (const c of computed)
    if (!c.bound)
      planned[c.symbol] = FIRST_PLAN;
  function bind(inputs, feeds) {
    const env = {};
    const from = {};
    for (const s of inputs) {
      const dims = feeds[s.name].dims;
      if (!Array.isArray(dims) || dims.length !== s.dims.length || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new RuntimeInputError("SHAPE_MISMATCH", s.name, `input '${s.name}': expected dims ${show(s)}, got [${Array.isArray(dims) ? dims : String(dims)}]`);
      }
      s.dims.forEach((d, i) => {
        if (typeof d !== "string" || !meta.symbols.includes(d))
          return;
        const v = dims[i];
        if (env[d] !== void 0 && env[d] !== v) {
          throw new RuntimeInputError("SHAPE_MISMATCH", s.name, `input '${s.name}': dim ${i} ('${d}') is ${v}, but input '${from[d]}' set '${d}' = ${env[d]}`);
        }
        const max = meta.maxDims?.[d];
        if (max !== void 0 && v > max) {
          throw new RuntimeInputError("SHAPE_OUT_OF_BOUNDS", s.name, `input '${s.name}': dim ${i} ('${d}') is ${v}, above the compile-time bound ${d} <= ${max} (--max-shape)`);
        }
        env[d] = v;
        from[d] = s.name;
      });
    }
    for (const s of inputs) {
      const dims = feeds[s.name].dims;
      (s.shape ?? s.dims.map((d) => [[d]])).forEach((p, i) => {
        if (evalPoly(p, env) !== dims[i])
          throw new RuntimeInputError("SHAPE_MISMATCH", s.name, `input '${s.name}': expected dims ${show(s)}, got [${dims}]`);
      });
    }
    return env;
  }
  const sizesAt = (env) => meta.buffers.map((b) => align16(Math.max(evalPoly(b.bytes, env), 1)));
  let placedSizes = [];
  let lastBucket = "";
  function placeBuffers(sizes) {
    const order = sizes.map((_, k) => k).sort((a, b) => sizes[b] - sizes[a] || meta.buffers[a].first - meta.buffers[b].first);
    const placed = [];
    const at = new Array(sizes.length).fill(0);
    let total = 0;
    for (const k of order) {
      const b = meta.buffers[k];
      const live = placed.filter((j) => meta.buffers[j].first <= b.last && b.first <= meta.buffers[j].last).sort((x, y) => at[x] - at[y]);
      let o = 0;
      for (const j of live) {
        if (o + sizes[k] <= at[j])
          break;
        o = Math.max(o, at[j] + sizes[j]);
      }
      at[k] = o;
      placed.push(k);
      total = Math.max(total, o + sizes[k]);
    }
    return { at, total };
  }
  function ensure(need) {
    if (need > MAX_BYTES)
      return false;
    const have = memory.buffer.byteLength;
    if (need <= have)
      return true;
    try {
      memory.grow(Math.ceil((need - have) / PAGE));
      return true;
    } catch {
      return false;
    }
  }
  function prepare(env) {
    if (computed.length) {
      for (const c of computed)
        env[c.symbol] = c.bound ? evalPoly(c.bound, env) : planned[c.symbol];
      const slots = new Uint32Array(memory.buffer, meta.table, meta.symbols.length);
      for (const c of computed)
        slots[meta.symbols.indexOf(c.symbol)] = env[c.symbol];
    }
    const key = meta.symbols.map((x) => env[x]).join(",");
    if (key === lastKey)
      return;
    const rounded = {};
    for (const x of meta.symbols)
      rounded[x] = bucket(env[x], meta.maxDims?.[x]);
    const bucketKey = meta.symbols.map((x) => rounded[x]).join(",");
    const sizes = sizesAt(env);
    if (bucketKey !== lastBucket || sizes.some((n, k) => n > placedSizes[k])) {
      const roomy = sizesAt(rounded).map((n, k) => Math.max(n, sizes[k]));
      let plan = placeBuffers(roomy);
      let planned2 = roomy;
      if (!ensure(meta.base + plan.total + 16)) {
        plan = placeBuffers(sizes);
        planned2 = sizes;
        const need = meta.base + plan.total + 16;
        if (need > MAX_BYTES)
          throw new RuntimeError("OUT_OF_MEMORY", `dims ${describe(env)} need ${need} bytes of memory, more than wasm32's 4 GiB`);
        if (!ensure(need))
          throw new RuntimeError("OUT_OF_MEMORY", `dims ${describe(env)} need ${need} bytes of memory, which cannot be allocated here`);
      }
      placedSizes = planned2;
      offsets = plan.at;
      lastBucket = bucketKey;
    }
    const table = new Uint32Array(memory.buffer, meta.table, meta.symbols.length + offsets.length);
    meta.symbols.forEach((x, i) => {
      table[i] = env[x];
    });
    offsets.forEach((o, k) => {
      table[meta.symbols.length + k] = meta.base + o;
    });
    lastKey = key;
  }
  function finish(env, trapped) {
    if (!computed.length)
      return [];
    const table = new Int32Array(memory.buffer, meta.table, meta.symbols.length);
    const grown = [];
    for (const c of computed) {
      const v = table[meta.symbols.indexOf(c.symbol)], bound = env[c.symbol];
      if (v === INCONSISTENT) {
        lastKey = "";
        throw new RuntimeError("SHAPE_MISMATCH", `${c.op} node '${c.node}': the run's input values give no valid output shape (e.g. a Reshape target whose element count differs from the input's, or dims that do not broadcast)`);
      }
      if (v < 0 || v > bound && c.bound) {
        lastKey = "";
        throw new RuntimeError("SHAPE_OUT_OF_BOUNDS", `${c.op} node '${c.node}': the run computed ${v} for its output dim '${c.symbol}', outside 0\u2026${c.bound ? bound : "the memory limit"} (the bound the memory was planned for)`);
      }
      if (v > bound) {
        grown.push({ symbol: c.symbol, node: c.node, op: c.op, value: v, before: planned[c.symbol] });
        planned[c.symbol] = Math.min(bucket(v), 2147483647);
      }
      if (!trapped)
        env[c.symbol] = v;
    }
    if (grown.length)
      lastKey = "";
    return trapped ? grown : [];
  }
  const describe = (env) => meta.symbols.map((x) => `${x}=${env[x]}`).join(", ");
  function place(s, env, bytesPerElement) {
    if (s.buffer === void 0)
      return { dims: s.dims, offset: s.offset, byteLength: s.byteLength };
    const dims = s.shape.map((p) => evalPoly(p, env));
    return { dims, offset: meta.base + offsets[s.buffer], byteLength: dims.reduce((a, d) => a * d, 1) * bytesPerElement };
  }
  function revert(grown) {
    for (const g of grown)
      planned[g.symbol] = g.before;
    lastKey = "";
  }
  return { bind, prepare, place, finish, revert, maxGrows: MAX_GROWS };
}

// ../../../runtime/dist/value-variants.js
function readValues(names, feeds) {
  const out = {};
  for (const n of names)
    out[n] = Array.from(feeds[n].data, Number);
  return out;
}
var same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
function valuesMatch(cond, values) {
  if (!cond)
    return true;
  const lists = Object.entries(cond);
  return !lists.length || lists[0][1].some((_, i) => lists.every(([n, l]) => same(l[i], values[n])));
}
var show2 = (t) => `[${t.join(",")}]`;
var MAX_LISTED = 16;
var lexical = (a, b) => {
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i])
      return a[i] - b[i];
  return 0;
};
function unsupportedValue(conds, values) {
  const accepted = (n) => {
    const all = conds.flatMap((c) => c?.[n] ?? []);
    return all.filter((t, i) => all.findIndex((u) => same(t, u)) === i).sort(lexical);
  };
  const names = Object.keys(values);
  const name = names.find((n) => !accepted(n).some((t) => same(t, values[n]))) ?? names[0];
  const others = names.filter((n) => n !== name).map((n) => `'${n}' = ${show2(values[n])}`);
  const together = accepted(name).some((t) => same(t, values[name])) ? ` together with ${others.join(", ")}` : "";
  const list = accepted(name);
  const shown = list.length > MAX_LISTED ? `${list.slice(0, MAX_LISTED).map(show2).join(", ")}, \u2026 (${list.length} in all)` : list.map(show2).join(", ");
  return new RuntimeInputError("UNSUPPORTED_VALUE", name, `input '${name}': the model was compiled for the values ${shown} of this input (value variants), got ${show2(values[name])}${together}`);
}
function publicDims(name, dims, others) {
  const label = (i) => `${name.replace(/[^A-Za-z0-9_]/g, "_")}_d${i}`;
  return dims.map((d, i) => others.every((o) => o.length === dims.length && o[i] === d) ? d : label(i));
}

// ../../../runtime/dist/weights-digest.js
var hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
async function sha256Hex(bytes) {
  const subtle = globalThis.crypto?.subtle;
  if (subtle && typeof subtle.digest === "function") {
    if (!(typeof SharedArrayBuffer !== "undefined" && bytes.buffer instanceof SharedArrayBuffer)) {
      return hex(new Uint8Array(await subtle.digest("SHA-256", bytes)));
    }
  }
  return hex(sha256Fallback(bytes));
}
function fractionBits(root, count) {
  const out = new Uint32Array(count);
  for (let p = 2, n = 0; n < count; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++)
      if (p % d === 0) {
        prime = false;
        break;
      }
    if (!prime)
      continue;
    const r = root(p);
    out[n++] = Math.floor((r - Math.floor(r)) * 2 ** 32);
  }
  return out;
}
var K;
var H0;
function sha256Fallback(bytes) {
  const k = K ??= fractionBits(Math.cbrt, 64);
  const h = (H0 ??= fractionBits(Math.sqrt, 8)).slice();
  const len = bytes.byteLength;
  const tailStart = len - len % 64;
  const tail = new Uint8Array(len % 64 < 56 ? 64 : 128);
  tail.set(bytes.subarray(tailStart));
  tail[len - tailStart] = 128;
  const tailView = new DataView(tail.buffer);
  tailView.setUint32(tail.length - 8, Math.floor(len / 2 ** 29));
  tailView.setUint32(tail.length - 4, len * 8 >>> 0);
  const w = new Int32Array(64);
  const compress = (src, at) => {
    for (let i = 0; i < 16; i++, at += 4)
      w[i] = src[at] << 24 | src[at + 1] << 16 | src[at + 2] << 8 | src[at + 3];
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15], y = w[i - 2];
      const s0 = (x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ x >>> 3;
      const s1 = (y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ y >>> 10;
      w[i] = w[i - 16] + s0 + w[i - 7] + s1 | 0;
    }
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (let i = 0; i < 64; i++) {
      const s1 = (e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7);
      const t1 = hh + s1 + (e & f ^ ~e & g) + k[i] + w[i] | 0;
      const s0 = (a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10);
      const t2 = s0 + (a & b ^ a & c ^ b & c) | 0;
      hh = g;
      g = f;
      f = e;
      e = d + t1 | 0;
      d = c;
      c = b;
      b = a;
      a = t1 + t2 | 0;
    }
    h[0] = h[0] + a;
    h[1] = h[1] + b;
    h[2] = h[2] + c;
    h[3] = h[3] + d;
    h[4] = h[4] + e;
    h[5] = h[5] + f;
    h[6] = h[6] + g;
    h[7] = h[7] + hh;
  };
  for (let at = 0; at < tailStart; at += 64)
    compress(bytes, at);
  for (let at = 0; at < tail.length; at += 64)
    compress(tail, at);
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  h.forEach((x, i) => ov.setUint32(4 * i, x));
  return out;
}
async function checkWeights(weights, expected) {
  let actual;
  try {
    actual = await sha256Hex(weights);
  } catch (e) {
    throw new RuntimeError("WEIGHTS_MISMATCH", `the weights cannot be hashed to check them (${e.message}); pass verifyWeights: false to skip the check`);
  }
  if (actual !== expected) {
    throw new RuntimeError("WEIGHTS_MISMATCH", `the weights are not the ones this module was compiled with (sha256 ${actual}, expected ${expected}): they are damaged or belong to another compile of the model`);
  }
}

// ../../../runtime/dist/read-feeds.js
var TYPED_ARRAY = Object.getPrototypeOf(Int8Array.prototype);
var intrinsic = (key) => Object.getOwnPropertyDescriptor(TYPED_ARRAY, key).get;
var BUFFER = intrinsic("buffer");
var BYTE_OFFSET = intrinsic("byteOffset");
var BYTE_LENGTH = intrinsic("byteLength");
function readFeedsOnce(feeds) {
  const out = /* @__PURE__ */ Object.create(null);
  for (const name of Object.keys(feeds)) {
    const t = feeds[name];
    if (!t || typeof t !== "object") {
      out[name] = t;
      continue;
    }
    const { dtype, dims, data } = t;
    out[name] = { dtype, dims: Array.isArray(dims) ? Array.from(dims) : dims, data };
  }
  return out;
}
function feedBytes(name, data) {
  try {
    const buffer = BUFFER.call(data);
    if (buffer.byteLength === 0)
      return new Uint8Array(0);
    return new Uint8Array(buffer, BYTE_OFFSET.call(data), BYTE_LENGTH.call(data));
  } catch {
    throw new RuntimeInputError("INVALID_INPUT", name, `input '${name}': data is not a typed array (a Proxy or another object posing as one)`);
  }
}

// ../../../runtime/dist/threads.js
var isNode = () => !!globalThis.process?.versions?.node;
function threadsUnavailable() {
  const g = globalThis;
  const node = isNode();
  if (typeof g.SharedArrayBuffer !== "function")
    return "SharedArrayBuffer is not available here (a page without cross-origin isolation, or a platform such as Cloudflare Workers)";
  if (g.crossOriginIsolated === false)
    return "the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
  if (!node && typeof g.Worker !== "function")
    return "this platform has no Web Workers";
  return void 0;
}
var WORKER_BODY = `
const start = ({ module, memory, control }, post) => {
  const math = { fmod: (a, b) => a % b };
  for (const k of Object.getOwnPropertyNames(Math)) if (typeof Math[k] === 'function') math[k] = Math[k];
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) (imports[i.module] ??= {})[i.name] = i.kind === 'memory' ? memory : math[i.name];
  const instance = new WebAssembly.Instance(module, imports);
  post('ready');
  try {
    instance.exports.worker();
  } catch (e) {
    const words = new Int32Array(memory.buffer);
    Atomics.store(words, control.failed / 4, 1);
    Atomics.store(words, control.done / 4, 0x3fffffff);
    Atomics.notify(words, control.done / 4);
  }
};`;
var NODE_WORKER = `${WORKER_BODY}
import('node:worker_threads').then(({ parentPort, workerData }) => start(workerData, (m) => parentPort.postMessage(m)));`;
var WEB_WORKER = `${WORKER_BODY}
onmessage = (e) => start(e.data, (m) => postMessage(m));`;
async function startWorkers(module, memory, meta, count) {
  const node = isNode();
  const started = [];
  const ready = [];
  if (node) {
    const specifier = "node:worker_threads";
    const { Worker: Worker2 } = await import(
      /* @vite-ignore */
      specifier
    );
    for (let i = 0; i < count; i++) {
      const w = new Worker2(NODE_WORKER, { eval: true, workerData: { module, memory, control: meta } });
      w.unref?.();
      started.push(w);
      ready.push(new Promise((resolve) => {
        w.once("message", () => resolve(true));
        w.once("error", () => resolve(false));
      }));
    }
  } else {
    const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: "text/javascript" }));
    for (let i = 0; i < count; i++) {
      const w = new Worker(url);
      started.push(w);
      ready.push(new Promise((resolve) => {
        w.onmessage = () => resolve(true);
        w.onerror = () => resolve(false);
      }));
      w.postMessage({ module, memory, control: meta });
    }
    void Promise.all(ready).then(() => URL.revokeObjectURL(url));
  }
  const ok = await Promise.all(ready);
  let stopped = false;
  return {
    count: ok.filter(Boolean).length,
    stop() {
      if (stopped)
        return;
      stopped = true;
      const words = new Int32Array(memory.buffer);
      Atomics.store(words, meta.quit / 4, 1);
      Atomics.add(words, meta.gen / 4, 1);
      Atomics.notify(words, meta.gen / 4);
      for (const w of started)
        w.terminate();
    }
  };
}
function plainCopy(buffer, offset, length) {
  if (buffer instanceof ArrayBuffer)
    return buffer.slice(offset, offset + length);
  const out = new Uint8Array(length);
  out.set(new Uint8Array(buffer, offset, length));
  return out.buffer;
}
function callerMayBlock() {
  return isNode() || typeof globalThis.document === "undefined";
}

// ../../../runtime/dist/load-model.js
function bytesOf(src) {
  if (src instanceof Uint8Array)
    return src;
  if (ArrayBuffer.isView(src))
    return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  return new Uint8Array(src);
}
function readMeta(module) {
  const sections = WebAssembly.Module.customSections(module, "onnx2wasm");
  if (sections.length !== 1)
    throw new RuntimeError("INVALID_MODULE", "this .wasm was not produced by onnx2wasm (no onnx2wasm metadata section)");
  try {
    return JSON.parse(new TextDecoder().decode(sections[0]));
  } catch (e) {
    throw new RuntimeError("INVALID_MODULE", `the module's onnx2wasm metadata cannot be read (${e.message}); recompile the model with this version`);
  }
}
var slotInfo = (s) => ({ name: s.name, dtype: s.dtype, dims: [...s.dims] });
function checkPresent(slot, t) {
  const name = slot.name;
  if (!t || typeof t !== "object")
    throw new RuntimeInputError("MISSING_INPUT", name, `input '${name}' is missing (expected ${slot.dtype}[${slot.dims}])`);
  if (t.dtype !== slot.dtype)
    throw new RuntimeInputError("DTYPE_MISMATCH", name, `input '${name}': expected dtype ${slot.dtype}, got ${String(t.dtype)}`);
}
function checkFeed(slot, t) {
  const name = slot.name;
  const dims = t.dims;
  const ok = Array.isArray(dims) && dims.length === slot.dims.length && dims.every((d, i) => d === slot.dims[i]);
  if (!ok)
    throw new RuntimeInputError("SHAPE_MISMATCH", name, `input '${name}': expected dims [${slot.dims}], got [${Array.isArray(dims) ? dims : String(dims)}]`);
  const Ctor = ARRAYS[slot.dtype];
  if (!(t.data instanceof Ctor))
    throw new RuntimeInputError("INVALID_INPUT", name, `input '${name}': data must be a ${Ctor.name} for dtype ${slot.dtype}, got ${t.data?.constructor?.name ?? typeof t.data}`);
  const bytes = feedBytes(name, t.data);
  if (bytes.byteLength !== slot.byteLength) {
    const detached = slot.byteLength > 0 && bytes.byteLength === 0 && t.data.buffer.byteLength === 0;
    throw new RuntimeInputError("INVALID_INPUT", name, detached ? `input '${name}': its buffer is detached (transferred or freed)` : `input '${name}': data has ${bytes.byteLength / Ctor.BYTES_PER_ELEMENT} elements, dims [${slot.dims}] need ${slot.byteLength / Ctor.BYTES_PER_ELEMENT}`);
  }
  return bytes;
}
function trapCause(instance) {
  const flag = instance.exports.check_failed;
  if (flag instanceof WebAssembly.Global && flag.value === 1) {
    flag.value = 0;
    return { reason: "FAILED_CHECK", hint: " (an index input is out of range for the tensor it indexes, the run took an If branch that cannot run for the shapes the model was compiled for, or it asked for random Dropout (training_mode with a non-zero ratio))" };
  }
  return { reason: "ENGINE_TRAP", hint: " (a trap no check of the run's values explains: a compiler bug, please report it with the model)" };
}
async function loadModel(opts) {
  if (!opts || !opts.wasm)
    throw new RuntimeError("INVALID_MODULE", "loadModel needs { wasm } (bytes or a WebAssembly.Module)");
  const wanted = opts.threads ?? 1;
  if (!(Number.isSafeInteger(wanted) && wanted >= 1))
    throw new RuntimeError("INVALID_INPUT", `loadModel: threads must be a positive integer, got ${String(opts.threads)}`);
  const noThreads = wanted === 1 ? void 0 : threadsUnavailable() ?? (opts.threadsWasm ? void 0 : "no threaded build was given (compile with threads: true and pass threadsWasm)");
  const source = wanted > 1 && !noThreads ? opts.threadsWasm : opts.relaxedWasm && relaxedSimdSupported() ? opts.relaxedWasm : opts.wasm;
  let module;
  if (source instanceof WebAssembly.Module)
    module = source;
  else {
    try {
      module = await WebAssembly.compile(bytesOf(source));
    } catch (e) {
      throw new RuntimeError("INVALID_MODULE", `the .wasm cannot be compiled here: ${e.message}`, { cause: e });
    }
  }
  const rawMeta = readMeta(module);
  let imports;
  try {
    imports = hostImports(module);
  } catch (e) {
    throw new RuntimeError("INVALID_MODULE", e.message);
  }
  const threaded = rawMeta?.threads;
  if (threaded) {
    const why = threadsUnavailable();
    if (why)
      throw new RuntimeError("INVALID_MODULE", `this is a threaded build, which needs shared memory: ${why}; load the 1-thread build (wasm) and pass this one as threadsWasm`);
    const pages = rawMeta.memory.pages;
    try {
      imports.env = { memory: new WebAssembly.Memory({ initial: pages, maximum: threaded.maxPages, shared: true }) };
    } catch (e) {
      throw new RuntimeError("OUT_OF_MEMORY", `the model's shared memory (${(pages / 16).toFixed(1)} MiB, up to ${(threaded.maxPages / 16).toFixed(1)} MiB) cannot be allocated here: ${e.message}`);
    }
  }
  let instance;
  try {
    instance = await WebAssembly.instantiate(module, imports);
  } catch (e) {
    if (e instanceof RangeError) {
      const pages = rawMeta?.memory?.pages;
      const size = typeof pages === "number" ? ` (${(pages / 16).toFixed(1)} MiB)` : "";
      throw new RuntimeError("OUT_OF_MEMORY", `the model's memory${size} cannot be allocated here: ${e.message}`);
    }
    throw new RuntimeError("INVALID_MODULE", `the module cannot be instantiated: ${e.message}`);
  }
  const memory = instance.exports.memory;
  const runFn = instance.exports.run;
  if (!(memory instanceof WebAssembly.Memory) || typeof runFn !== "function")
    throw new RuntimeError("INVALID_MODULE", "the module does not export memory and run(): not an onnx2wasm module");
  const meta = validateMeta(rawMeta, memory.buffer.byteLength);
  let weightsChecked;
  if (!meta.weights.embedded) {
    const w = opts.weights ? bytesOf(opts.weights) : void 0;
    if (!w)
      throw new RuntimeError("WEIGHTS_MISMATCH", `this model needs its weights file (${meta.weights.byteLength} bytes): pass { weights }`);
    if (w.byteLength !== meta.weights.byteLength)
      throw new RuntimeError("WEIGHTS_MISMATCH", `the weights have ${w.byteLength} bytes but this module expects ${meta.weights.byteLength}: they belong to another compile of the model`);
    const placed = new Uint8Array(memory.buffer, meta.weights.offset, w.byteLength);
    placed.set(w);
    if (opts.verifyWeights !== false && meta.weights.sha256) {
      weightsChecked = checkWeights(threaded ? placed.slice() : placed, meta.weights.sha256);
      weightsChecked.catch(() => {
      });
    }
  }
  const init = instance.exports.init;
  if (typeof init === "function") {
    try {
      init();
    } catch (e) {
      await weightsChecked;
      throw new RuntimeError("EXECUTION_FAILED", `the model's load-time init trapped: ${e.message}`, { cause: e, reason: "ENGINE_TRAP" });
    }
  }
  await weightsChecked;
  let workers;
  let info = noThreads ? { threads: 1, reason: noThreads } : { threads: 1 };
  if (threaded) {
    const use = Math.min(wanted, threaded.parts);
    workers = await startWorkers(module, memory, threaded, use - 1);
    if (workers.count && callerMayBlock())
      instance.exports.allow_wait?.();
    const reason = workers.count < use - 1 ? `${use - 1 - workers.count} of ${use - 1} workers failed to start` : use < wanted ? `the module was compiled for up to ${threaded.parts} threads` : void 0;
    info = { threads: 1 + workers.count, ...reason ? { reason } : {} };
  }
  const inputNames = new Set(meta.inputs.map((s) => s.name));
  const exported = (name) => {
    const f = instance.exports[name];
    if (typeof f !== "function")
      throw new RuntimeError("INVALID_MODULE", `the module does not export ${name}(), which its metadata names`);
    return f;
  };
  const generic = { run: runFn, inputs: meta.inputs, outputs: meta.outputs, when: {}, whenValues: meta.whenValues, dyn: meta.dynamic ? dynamicDims(meta.dynamic, memory) : void 0 };
  const specialized = (meta.variants ?? []).map((v) => ({ run: exported(v.run), inputs: v.inputs, outputs: v.outputs, when: v.when, whenValues: v.whenValues, dyn: v.dynamic ? dynamicDims(v.dynamic, memory) : void 0 }));
  const valueInputs = meta.inputs.filter((s) => [generic, ...specialized].some((v) => v.whenValues?.[s.name]));
  const otherBuilds = specialized.filter((v) => v.whenValues && !Object.keys(v.when).length);
  const outputDims = (o) => publicDims(o.name, o.dims, otherBuilds.map((v) => v.outputs.find((x) => x.name === o.name)?.dims ?? []));
  return {
    inputs: meta.inputs.map(slotInfo),
    outputs: meta.outputs.map((o) => ({ ...slotInfo(o), dims: outputDims(o) })),
    info,
    dispose() {
      workers?.stop();
    },
    async run(given) {
      if (!given || typeof given !== "object")
        throw new RuntimeError("INVALID_INPUT", "run() takes an object mapping input names to tensors");
      const feeds = readFeedsOnce(given);
      for (const k of Object.keys(feeds)) {
        if (!inputNames.has(k))
          throw new RuntimeInputError("UNKNOWN_INPUT", k, `'${k}' is not an input of this model (inputs: ${[...inputNames].join(", ")})`);
      }
      for (const s of meta.inputs)
        checkPresent(s, feeds[s.name]);
      const env = generic.dyn ? generic.dyn.bind(meta.inputs, feeds) : {};
      for (const s of valueInputs)
        checkFeed(s, feeds[s.name]);
      const values = readValues(valueInputs.map((s) => s.name), feeds);
      const fits = (x) => Object.entries(x.when).every(([sym, val]) => env[sym] === val) && valuesMatch(x.whenValues, values);
      const v = specialized.find(fits) ?? (fits(generic) ? generic : void 0);
      if (!v)
        throw unsupportedValue([generic, ...specialized].map((x) => x.whenValues), values);
      const dyn = v.dyn;
      const placed = (slots) => dyn ? slots.map((s) => ({ ...s, ...dyn.place(s, env, ARRAYS[s.dtype].BYTES_PER_ELEMENT) })) : slots;
      for (let attempt = 0, grown = []; ; attempt++) {
        try {
          dyn?.prepare(env);
        } catch (e) {
          if (!grown.length || !(e instanceof RuntimeError))
            throw e;
          dyn.revert(grown);
          const g = grown.map((x) => `${x.op} node '${x.node}' computed ${x.value} for its output dim '${x.symbol}'`).join("; ");
          throw new RuntimeError(e.code, `${g}, which does not fit: ${e.message}`);
        }
        const inputs = placed(v.inputs);
        const bytes = inputs.map((s) => checkFeed(s, feeds[s.name]));
        inputs.forEach((s, k) => new Uint8Array(memory.buffer, s.offset, s.byteLength).set(bytes[k]));
        try {
          v.run();
        } catch (e) {
          const { reason, hint } = trapCause(instance);
          grown = dyn?.finish(env, true) ?? [];
          if (grown.length && attempt < dyn.maxGrows)
            continue;
          throw new RuntimeError("EXECUTION_FAILED", `the model trapped while running: ${e.message}${hint}`, { cause: e, reason });
        }
        break;
      }
      dyn?.finish(env, false);
      const out = {};
      for (const s of placed(v.outputs)) {
        const Ctor = ARRAYS[s.dtype];
        const bytes = plainCopy(memory.buffer, s.offset, s.byteLength);
        out[s.name] = { dtype: s.dtype, dims: [...s.dims], data: new Ctor(bytes, 0, s.byteLength / Ctor.BYTES_PER_ELEMENT) };
      }
      return out;
    }
  };
}

// datatypes.js
var DATATYPES = [
  { name: "BOOL", dtype: "bool", array: Uint8Array },
  { name: "UINT8", dtype: "uint8", array: Uint8Array },
  { name: "UINT16", dtype: "uint16", array: Uint16Array },
  { name: "UINT32", dtype: "uint32", array: Uint32Array },
  { name: "UINT64", dtype: "uint64", array: BigUint64Array },
  { name: "INT8", dtype: "int8", array: Int8Array },
  { name: "INT16", dtype: "int16", array: Int16Array },
  { name: "INT32", dtype: "int32", array: Int32Array },
  { name: "INT64", dtype: "int64", array: BigInt64Array },
  { name: "FP16", dtype: "float16", array: Uint16Array },
  { name: "BF16", dtype: "bfloat16", array: Uint16Array },
  { name: "FP32", dtype: "float32", array: Float32Array },
  { name: "FP64", dtype: "float64", array: Float64Array }
];
var BY_NAME = new Map(DATATYPES.map((d) => [d.name, d]));
var BY_DTYPE = new Map(DATATYPES.map((d) => [d.dtype, d]));
var datatypeByName = (name) => BY_NAME.get(name);
var datatypeName = (dtype) => BY_DTYPE.get(dtype)?.name ?? dtype.toUpperCase();
var f32 = new Float32Array(1);
var u32 = new Uint32Array(f32.buffer);
function halfToFloat(h) {
  const sign = h & 32768 ? -1 : 1;
  const exp = h >> 10 & 31;
  const frac = h & 1023;
  if (exp === 0)
    return sign * frac * 2 ** -24;
  if (exp === 31)
    return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
function floatToHalf(x) {
  f32[0] = x;
  const bits = u32[0];
  const sign = bits >>> 16 & 32768;
  const exp = bits >>> 23 & 255;
  let frac = bits & 8388607;
  if (exp === 255)
    return sign | 31744 | (frac ? 512 : 0);
  let e = exp - 127 + 15;
  if (e >= 31)
    return sign | 31744;
  if (e <= 0) {
    if (e < -10)
      return sign;
    frac |= 8388608;
    const shift = 14 - e;
    const half2 = frac >>> shift;
    const rem2 = frac & (1 << shift) - 1;
    const mid = 1 << shift - 1;
    return sign | half2 + (rem2 > mid || rem2 === mid && half2 & 1 ? 1 : 0);
  }
  let half = e << 10 | frac >>> 13;
  const rem = frac & 8191;
  if (rem > 4096 || rem === 4096 && half & 1)
    half++;
  return sign | half;
}
var bf16ToFloat = (b) => {
  u32[0] = b << 16;
  return f32[0];
};
function floatToBf16(x) {
  f32[0] = x;
  const bits = u32[0];
  if (Number.isNaN(x))
    return 32704;
  return bits + 32767 + (bits >>> 16 & 1) >>> 16 & 65535;
}

// encode-response.js
function toJsonData(t) {
  const d = t.data;
  if (t.dtype === "bool")
    return Array.from(d, (x) => x !== 0);
  if (t.dtype === "float16")
    return Array.from(d, halfToFloat);
  if (t.dtype === "bfloat16")
    return Array.from(d, bf16ToFloat);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array)
    return Array.from(d, Number);
  return Array.from(d);
}
var bytesOf2 = (t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
function encodeInferResponse(req, model, results) {
  const wanted = req.outputs ?? model.outputs.map((o) => ({ name: o.name }));
  const binaries = [];
  const outputs = wanted.map(({ name, binary }) => {
    const t = results[name];
    const head = { name, datatype: datatypeName(t.dtype), shape: t.dims };
    if (binary ?? req.binaryOutputs) {
      const bytes = bytesOf2(t);
      binaries.push(bytes);
      return { ...head, parameters: { binary_data_size: bytes.byteLength } };
    }
    return { ...head, data: toJsonData(t) };
  });
  const json2 = JSON.stringify({ model_name: model.name, model_version: String(model.version), ...req.id !== void 0 ? { id: req.id } : {}, outputs });
  if (binaries.length === 0)
    return new Response(json2, { headers: { "content-type": "application/json" } });
  const header = new TextEncoder().encode(json2);
  const body = new Uint8Array(header.byteLength + binaries.reduce((n, b) => n + b.byteLength, 0));
  body.set(header, 0);
  let offset = header.byteLength;
  for (const b of binaries) {
    body.set(b, offset);
    offset += b.byteLength;
  }
  return new Response(body, { headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.byteLength) } });
}

// errors.js
var ProtocolError = class extends Error {
  status;
  constructor(status, message) {
    super(message);
    this.name = "ProtocolError";
    this.status = status;
  }
};
var BadRequestError = class extends ProtocolError {
  constructor(message) {
    super(400, message);
    this.name = "BadRequestError";
  }
};
var NotFoundError = class extends ProtocolError {
  constructor(message) {
    super(404, message);
    this.name = "NotFoundError";
  }
};
var MethodNotAllowedError = class extends ProtocolError {
  constructor(method, path, allowed) {
    super(405, `${method} is not allowed on ${path} (use ${allowed})`);
    this.name = "MethodNotAllowedError";
  }
};
var PayloadTooLargeError = class extends ProtocolError {
  constructor(limit) {
    super(413, `the request body is over the limit of ${limit} bytes (--max-body)`);
    this.name = "PayloadTooLargeError";
  }
};
function toProtocolError(e) {
  if (e instanceof ProtocolError)
    return e;
  const err = e;
  if (err?.name === "RuntimeInputError")
    return new BadRequestError(err.message ?? "invalid input");
  if (err?.name === "RuntimeError" && err.code === "EXECUTION_FAILED" && err.reason === "FAILED_CHECK")
    return new BadRequestError(err.message);
  return new ProtocolError(500, `inference failed: ${err?.message ?? String(e)}`);
}

// metrics.js
var BUCKETS = [1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
var escape = (v) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
var Metrics = class {
  series = /* @__PURE__ */ new Map();
  http = /* @__PURE__ */ new Map();
  get(model, version) {
    const key = `model="${escape(model)}",version="${version}"`;
    let s = this.series.get(key);
    if (!s)
      this.series.set(key, s = { requests: 0, failures: 0, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 });
    return s;
  }
  /** One inference request on a known model version; `seconds` only for those that ran. */
  observeInference(model, version, ok, seconds) {
    const s = this.get(model, version);
    s.requests++;
    if (!ok)
      s.failures++;
    if (seconds === void 0)
      return;
    s.sum += seconds;
    s.count++;
    BUCKETS.forEach((b, i) => {
      if (seconds <= b)
        s.buckets[i]++;
    });
  }
  observeHttp(status) {
    this.http.set(status, (this.http.get(status) ?? 0) + 1);
  }
  render(queueDepth) {
    const lines = [];
    const family = (name, type, help) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family("onnx2wasm_http_requests_total", "counter", "HTTP requests answered, by status code.");
    for (const [status, n] of [...this.http].sort((a, b) => a[0] - b[0]))
      lines.push(`onnx2wasm_http_requests_total{code="${status}"} ${n}`);
    family("onnx2wasm_inference_requests_total", "counter", "Inference requests per model and version.");
    for (const [k, s] of this.series)
      lines.push(`onnx2wasm_inference_requests_total{${k}} ${s.requests}`);
    family("onnx2wasm_inference_failures_total", "counter", "Inference requests that failed (any status but 200).");
    for (const [k, s] of this.series)
      lines.push(`onnx2wasm_inference_failures_total{${k}} ${s.failures}`);
    family("onnx2wasm_inference_queue_depth", "gauge", "Requests waiting for a model instance.");
    lines.push(`onnx2wasm_inference_queue_depth ${queueDepth}`);
    family("onnx2wasm_inference_duration_seconds", "histogram", "Time from a validated request to its outputs (queueing included).");
    for (const [k, s] of this.series) {
      BUCKETS.forEach((b, i) => lines.push(`onnx2wasm_inference_duration_seconds_bucket{${k},le="${b}"} ${s.buckets[i]}`));
      lines.push(`onnx2wasm_inference_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`);
      lines.push(`onnx2wasm_inference_duration_seconds_sum{${k}} ${s.sum}`);
      lines.push(`onnx2wasm_inference_duration_seconds_count{${k}} ${s.count}`);
    }
    return lines.join("\n") + "\n";
  }
};

// parse-request.js
var isObject2 = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function parseHeaderLength(value, total) {
  if (value === null)
    return void 0;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > total)
    throw new BadRequestError(`Inference-Header-Content-Length must be a byte count within the body (${total} bytes), got '${value}'`);
  return n;
}
function parseJson(bytes) {
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new BadRequestError(`the request is not valid JSON: ${e.message}`);
  }
  if (!isObject2(body))
    throw new BadRequestError('the request must be a JSON object with "inputs"');
  return body;
}
function parseInput(raw, i) {
  if (!isObject2(raw))
    throw new BadRequestError(`inputs[${i}] must be an object with name, shape, datatype and data`);
  const { name, shape, datatype, data, parameters } = raw;
  if (typeof name !== "string")
    throw new BadRequestError(`inputs[${i}].name must be a string`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new BadRequestError(`input '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (typeof datatype !== "string")
    throw new BadRequestError(`input '${name}': datatype must be a string such as "FP32"`);
  const size = isObject2(parameters) ? parameters.binary_data_size : void 0;
  if (size !== void 0) {
    if (!(Number.isSafeInteger(size) && size >= 0))
      throw new BadRequestError(`input '${name}': binary_data_size must be a byte count, got ${JSON.stringify(size)}`);
    if (data !== void 0)
      throw new BadRequestError(`input '${name}' has both data and binary_data_size`);
    return { name, shape, datatype, binarySize: size };
  }
  if (data === void 0)
    throw new BadRequestError(`input '${name}' has no data (give "data", or binary_data_size with binary data after the JSON)`);
  return { name, shape, datatype, data };
}
function parseOutputs(raw) {
  if (raw === void 0)
    return void 0;
  if (!Array.isArray(raw))
    throw new BadRequestError('outputs must be a list of { "name" }');
  return raw.map((o, i) => {
    if (!isObject2(o) || typeof o.name !== "string")
      throw new BadRequestError(`outputs[${i}] must be an object with a name`);
    const b = isObject2(o.parameters) ? o.parameters.binary_data : void 0;
    if (b !== void 0 && typeof b !== "boolean")
      throw new BadRequestError(`output '${o.name}': binary_data must be true or false`);
    return { name: o.name, ...b !== void 0 ? { binary: b } : {} };
  });
}
function parseInferRequest(body, headerLength) {
  const jsonLength = parseHeaderLength(headerLength, body.byteLength) ?? body.byteLength;
  const json2 = parseJson(body.subarray(0, jsonLength));
  if (!Array.isArray(json2.inputs) || json2.inputs.length === 0)
    throw new BadRequestError('the request needs "inputs": a non-empty list of tensors');
  if (json2.id !== void 0 && typeof json2.id !== "string")
    throw new BadRequestError("id must be a string");
  const params = isObject2(json2.parameters) ? json2.parameters : {};
  if (params.binary_data_output !== void 0 && typeof params.binary_data_output !== "boolean")
    throw new BadRequestError("binary_data_output must be true or false");
  let offset = jsonLength;
  const inputs = json2.inputs.map((raw, i) => {
    const { binarySize, ...input } = parseInput(raw, i);
    if (binarySize === void 0)
      return input;
    if (offset + binarySize > body.byteLength)
      throw new BadRequestError(`input '${input.name}': binary_data_size ${binarySize} runs past the end of the body (${body.byteLength - offset} bytes left after the JSON header${headerLength === null ? "; binary data needs the Inference-Header-Content-Length header" : ""})`);
    const binary = (body.byteOffset + offset) % 8 === 0 ? body.subarray(offset, offset + binarySize) : body.slice(offset, offset + binarySize);
    offset += binarySize;
    return { ...input, binary };
  });
  if (offset !== body.byteLength)
    throw new BadRequestError(`the body has ${body.byteLength - offset} bytes after the JSON header that no input's binary_data_size accounts for`);
  const names = /* @__PURE__ */ new Set();
  for (const x of inputs) {
    if (names.has(x.name))
      throw new BadRequestError(`input '${x.name}' is given twice`);
    names.add(x.name);
  }
  return { ...json2.id !== void 0 ? { id: json2.id } : {}, inputs, outputs: parseOutputs(json2.outputs), binaryOutputs: params.binary_data_output === true };
}

// read-body.js
async function readBody(request, limit, alignAt = 0) {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit)
    throw new PayloadTooLargeError(limit);
  if (!request.body)
    return new Uint8Array(0);
  if (declared !== null && /^[0-9]+$/.test(declared.trim())) {
    let whole;
    try {
      whole = await request.arrayBuffer();
    } catch (e) {
      throw new BadRequestError(`the request body could not be read: ${e.message}`);
    }
    if (whole.byteLength > limit)
      throw new PayloadTooLargeError(limit);
    return new Uint8Array(whole);
  }
  const chunks = [];
  let total = 0;
  const reader = request.body.getReader();
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done)
        break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {
        });
        throw new PayloadTooLargeError(limit);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof PayloadTooLargeError)
      throw e;
    throw new BadRequestError(`the request body could not be read: ${e.message}`);
  }
  if (chunks.length === 1)
    return chunks[0];
  const pad = (8 - alignAt % 8) % 8;
  const body = new Uint8Array(new ArrayBuffer(pad + total), pad, total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

// validate.js
function flatten(data, out) {
  if (Array.isArray(data))
    for (const x of data)
      flatten(x, out);
  else
    out.push(data);
}
function fromJson(input, count, dtype) {
  const values = [];
  flatten(input.data, values);
  if (values.length !== count)
    throw new BadRequestError(`input '${input.name}': shape [${input.shape}] needs ${count} elements, data has ${values.length}`);
  const dt = datatypeByName(input.datatype);
  const arr = new dt.array(count);
  const bad = (i) => new BadRequestError(`input '${input.name}': data[${i}] = ${JSON.stringify(values[i])} is not a valid ${input.datatype} value`);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (dtype === "bool") {
      if (typeof v !== "boolean" && v !== 0 && v !== 1)
        throw bad(i);
      arr[i] = v ? 1 : 0;
    } else if (typeof v !== "number" || !Number.isFinite(v) && !dtype.startsWith("float") && dtype !== "bfloat16") {
      throw bad(i);
    } else if (dtype === "int64" || dtype === "uint64") {
      if (!Number.isSafeInteger(v))
        throw bad(i);
      arr[i] = BigInt(v);
    } else if (dtype === "float16") {
      arr[i] = floatToHalf(v);
    } else if (dtype === "bfloat16") {
      arr[i] = floatToBf16(v);
    } else {
      if (!dtype.startsWith("float") && !Number.isInteger(v))
        throw bad(i);
      arr[i] = v;
    }
  }
  return arr;
}
function fromBinary(input, count) {
  const dt = datatypeByName(input.datatype);
  const need = count * dt.array.BYTES_PER_ELEMENT;
  if (input.binary.byteLength !== need)
    throw new BadRequestError(`input '${input.name}': shape [${input.shape}] of ${input.datatype} needs ${need} bytes, binary_data_size is ${input.binary.byteLength}`);
  return new dt.array(input.binary.buffer, input.binary.byteOffset, count);
}
function validateRequest(req, model) {
  const feeds = {};
  for (const input of req.inputs) {
    const spec = model.inputs.find((s) => s.name === input.name);
    if (!spec)
      throw new BadRequestError(`model '${model.name}' has no input '${input.name}' (inputs: ${model.inputs.map((s) => s.name).join(", ")})`);
    const expected = datatypeName(spec.dtype);
    if (input.datatype !== expected)
      throw new BadRequestError(`input '${input.name}': expected datatype ${expected}, got ${input.datatype}`);
    if (!datatypeByName(input.datatype))
      throw new BadRequestError(`input '${input.name}': datatype ${input.datatype} is not supported over this protocol`);
    const ok = input.shape.length === spec.dims.length && spec.dims.every((d, i) => typeof d !== "number" || d === input.shape[i]);
    if (!ok)
      throw new BadRequestError(`input '${input.name}': expected shape [${spec.dims.map((d) => typeof d === "number" ? d : -1)}], got [${input.shape}]`);
    const count = input.shape.reduce((a, b) => a * b, 1);
    const data = input.binary ? fromBinary(input, count) : fromJson(input, count, spec.dtype);
    feeds[input.name] = { dtype: spec.dtype, dims: input.shape, data };
  }
  const missing = model.inputs.filter((s) => !feeds[s.name]);
  if (missing.length)
    throw new BadRequestError(`missing input(s) ${missing.map((s) => `'${s.name}'`).join(", ")} of model '${model.name}'`);
  for (const o of req.outputs ?? []) {
    if (!model.outputs.some((s) => s.name === o.name))
      throw new BadRequestError(`model '${model.name}' has no output '${o.name}' (outputs: ${model.outputs.map((s) => s.name).join(", ")})`);
  }
  return feeds;
}

// handler.js
var EXTENSIONS = ["binary_tensor_data"];
var DEFAULT_MAX_BODY = 64 * 1024 * 1024;
var json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
var errorResponse = (e) => json({ error: e.message }, e.status);
function tensorMeta(t) {
  return { name: t.name, datatype: datatypeName(t.dtype), shape: t.dims.map((d) => typeof d === "number" ? d : -1) };
}
function requireMethod(request, path, method) {
  if (request.method !== method && !(method === "GET" && request.method === "HEAD"))
    throw new MethodNotAllowedError(request.method, path, method);
}
function createHandler(options) {
  const { backend } = options;
  const metrics = options.metrics ?? new Metrics();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const byName = /* @__PURE__ */ new Map();
  for (const m of backend.models)
    byName.set(m.name, [...byName.get(m.name) ?? [], m].sort((a, b) => a.version - b.version));
  function findModel(name, version) {
    const versions = byName.get(name);
    if (!versions)
      throw new NotFoundError(`unknown model '${name}' (models: ${[...byName.keys()].join(", ")})`);
    if (version === void 0)
      return versions[versions.length - 1];
    const found = /^[1-9][0-9]*$/.test(version) ? versions.find((v) => v.version === Number(version)) : void 0;
    if (!found)
      throw new NotFoundError(`model '${name}' has no served version '${version}' (served: ${versions.map((v) => v.version).join(", ")})`);
    return found;
  }
  async function infer(request, model) {
    let ran = false;
    const t0 = performance.now();
    try {
      const headerLength = request.headers.get("inference-header-content-length");
      const body = await readBody(request, maxBody, Number(headerLength) || 0);
      const req = parseInferRequest(body, headerLength);
      const feeds = validateRequest(req, model);
      ran = true;
      const results = await backend.infer(model.name, model.version, feeds);
      const response = encodeInferResponse(req, model, results);
      metrics.observeInference(model.name, model.version, true, (performance.now() - t0) / 1e3);
      return response;
    } catch (e) {
      metrics.observeInference(model.name, model.version, false, ran ? (performance.now() - t0) / 1e3 : void 0);
      throw e;
    }
  }
  async function route(request) {
    const path = new URL(request.url).pathname.replace(/\/+$/, "") || "/";
    const parts = path.split("/").slice(1).map(decodeURIComponent);
    if (path === "/metrics") {
      requireMethod(request, path, "GET");
      return new Response(metrics.render(backend.queueDepth()), { headers: { "content-type": "text/plain; version=0.0.4" } });
    }
    if (parts[0] !== "v2")
      throw new NotFoundError(`no route for ${path} (the API is under /v2)`);
    if (parts.length === 1) {
      requireMethod(request, path, "GET");
      return json({ name: options.name ?? "onnx2wasm", version: options.version ?? "", extensions: EXTENSIONS });
    }
    if (parts[1] === "health" && parts.length === 3 && (parts[2] === "live" || parts[2] === "ready")) {
      requireMethod(request, path, "GET");
      if (parts[2] === "live")
        return json({ live: true });
      const ready = !options.isDraining?.() && backend.models.every((m) => backend.isReady(m.name, m.version));
      return json({ ready }, ready ? 200 : 503);
    }
    if (parts[1] === "models" && parts.length >= 3) {
      const name = parts[2];
      let rest = parts.slice(3);
      let version;
      if (rest[0] === "versions" && rest.length >= 2) {
        version = rest[1];
        rest = rest.slice(2);
      }
      if (rest.length === 0) {
        requireMethod(request, path, "GET");
        const model = findModel(name, version);
        return json({
          name,
          versions: byName.get(name).map((v) => String(v.version)),
          platform: "onnx2wasm",
          inputs: model.inputs.map(tensorMeta),
          outputs: model.outputs.map(tensorMeta)
        });
      }
      if (rest.length === 1 && rest[0] === "ready") {
        requireMethod(request, path, "GET");
        const model = findModel(name, version);
        const ready = backend.isReady(model.name, model.version);
        return json({ name, version: String(model.version), ready }, ready ? 200 : 503);
      }
      if (rest.length === 1 && rest[0] === "infer") {
        requireMethod(request, path, "POST");
        return infer(request, findModel(name, version));
      }
    }
    throw new NotFoundError(`no route for ${path}`);
  }
  return async (request) => {
    let response;
    try {
      response = await route(request);
    } catch (e) {
      response = errorResponse(toProtocolError(e));
    }
    metrics.observeHttp(response.status);
    return response;
  };
}

// worker-app.js
function createWorkerApp(models, server = {}) {
  const loaded = /* @__PURE__ */ new Map();
  const key = (name, version) => `${name}/${version}`;
  const backend = {
    models: models.map(({ name, version, inputs, outputs }) => ({ name, version, inputs, outputs })),
    // Loading takes one request's time at most; an isolate reports ready and loads on demand.
    isReady: (name, version) => models.some((m) => m.name === name && m.version === version),
    queueDepth: () => 0,
    async infer(name, version, feeds) {
      const k = key(name, version);
      let model = loaded.get(k);
      if (!model) {
        const m = models.find((x) => x.name === name && x.version === version);
        if (!m)
          throw new NotFoundError(`unknown model '${name}' version ${version}`);
        model = loadModel({ wasm: m.wasm, weights: m.weights });
        loaded.set(k, model);
        model.catch(() => loaded.delete(k));
      }
      return (await model).run(feeds);
    }
  };
  const handler = createHandler({ backend, ...server });
  return { fetch: (request) => handler(request) };
}

// entry.js
import wasm0 from "./models/tiny-mlp/1/model.relaxed.wasm";
import weights0 from "./models/tiny-mlp/1/model.weights.bin";
var entry_default = createWorkerApp([
  { ...{ "name": "tiny-mlp", "version": 1, "inputs": [{ "name": "input", "dtype": "float32", "dims": [1, 64] }], "outputs": [{ "name": "scores", "dtype": "float32", "dims": [1, 10] }] }, wasm: wasm0, weights: weights0 }
], { name: "onnx2wasm", version: "0.1.0" });
export {
  entry_default as default
};
