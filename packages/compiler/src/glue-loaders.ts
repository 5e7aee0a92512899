// The pieces of generated JS that fetch a model's files, one set per target. They are plain
// JavaScript strings: the glue runs wherever the user deploys it, without a build step.

/** Bytes over fetch, with an error that names the URL and the HTTP status. */
export const FETCH_BYTES = `async function fetchResponse(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(\`onnx2wasm: cannot fetch \${url}: HTTP \${res.status}\`);
  return res;
}

async function fetchBytes(url) {
  return new Uint8Array(await (await fetchResponse(url)).arrayBuffer());
}`;

/** Compiles while downloading where the server labels the file application/wasm (it must, for that). */
export const FETCH_MODULE = `async function fetchModule(url) {
  const res = await fetchResponse(url);
  if (typeof WebAssembly.compileStreaming !== 'function' || !(res.headers.get('content-type') ?? '').startsWith('application/wasm')) {
    return new Uint8Array(await res.arrayBuffer());
  }
  try {
    return await WebAssembly.compileStreaming(res);
  } catch (e) {
    throw new Error(\`onnx2wasm: cannot compile \${url}: \${e.message}\`);
  }
}`;

/**
 * The weights over fetch, kept in the Cache API under a key made of the content hash, so a page
 * downloads them once per model version: a later visit reads them from the cache even when the
 * server forbids HTTP caching, and a new version (new hash) misses and replaces the old entry.
 * Where the Cache API is missing (plain-http origins) or refuses (some private modes, quota), it
 * quietly falls back to the network.
 */
export const FETCH_WEIGHTS = `async function openCache() {
  try {
    return typeof caches === 'undefined' ? undefined : await caches.open('onnx2wasm');
  } catch {
    return undefined;
  }
}

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Fetched weights this glue has already hashed: loadModel need not hash them again.
const checkedWeights = new WeakSet();

async function fetchWeights(url) {
  // One key per folder and model name; the query is the version. It is never fetched. The base is
  // a variable: Vite rewrites \`new URL(<template>, import.meta.url)\` as an asset glob, losing the query.
  const base = import.meta.url;
  const key = new URL(\`./\${NAME}.weights?sha256=\${WEIGHTS.sha256}\`, base);
  const cache = await openCache();
  if (cache) {
    try {
      const hit = await cache.match(key.href);
      if (hit) {
        const bytes = new Uint8Array(await hit.arrayBuffer());
        if (bytes.byteLength === WEIGHTS.bytes) return bytes;
      }
    } catch {}
  }
  const bytes = await fetchBytes(url);
  // A stale HTTP cache or a half-updated server must not end up in the cache under this hash.
  if (globalThis.crypto?.subtle) {
    const got = await sha256Hex(bytes);
    if (got !== WEIGHTS.sha256) throw new Error(\`onnx2wasm: \${url} is not the weights of this model (sha256 \${got}, expected \${WEIGHTS.sha256}): the server has files of another compile\`);
    checkedWeights.add(bytes);
  }
  if (cache) {
    try {
      await cache.put(key.href, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
      for (const old of await cache.keys()) {
        const u = new URL(old.url);
        if (u.origin === key.origin && u.pathname === key.pathname && u.search !== key.search) await cache.delete(old);
      }
    } catch {}
  }
  return bytes;
}`;

/**
 * Reads a file next to the glue in Node. A dynamic import, so browsers never evaluate it, of a
 * specifier in a variable, so bundlers (esbuild, Vite, webpack) leave it alone instead of failing
 * to resolve node:fs/promises for the browser.
 */
export const READ_LOCAL_DYNAMIC = `async function readLocal(url) {
  const nodeFs = 'node:fs/promises';
  const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeFs);
  return readFile(url);
}`;

/**
 * The model is loaded once per process, page or isolate and shared: run() copies its inputs in,
 * runs synchronously and copies its outputs out, so concurrent requests cannot interleave. A
 * failed load is not kept, so the next call tries again.
 */
export function sharedLoad(openBody: string): string {
  return `let shared;

/** Loads the model once and returns the same instance on every call. Pass { wasm } (a WebAssembly.Module or bytes) and { weights } to load those instead, or { threads } (a new instance, not shared). */
export function load(options = {}) {
  if (options.wasm !== undefined || options.weights !== undefined || options.threads !== undefined) return open(options);
  return (shared ??= open({}).catch((e) => {
    shared = undefined;
    throw e;
  }));
}

async function open(options) {
${openBody}
}`;
}
