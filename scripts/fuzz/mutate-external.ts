// External-data mutations: an initializer moves to a file named by `location`. Paths that leave the
// model's folder get a real file of exactly the right size at their target, so an importer that
// followed them would compile successfully, which the campaign reports as a finding (`mustFail`).
import type { ModelMutator, MutationContext } from './mutate-model.js';

type Tensor = NonNullable<NonNullable<Parameters<ModelMutator>[0]['graph']>['initializer']>[number];

const ESCAPING = ['../outside.bin', '../../outside.bin', 'sub/../../outside.bin', 'link.bin', 'linkdir/outside.bin', '/etc/hostname', '%2e%2e/outside.bin'];
const INVALID = ['', '.', 'sub', 'nope.bin', 'data.bin\u0000junk', 'file:///etc/hostname', 'C:\\data.bin'];
const BAD_NUMBERS = ['-1', 'abc', '1e30', '0x10', ' 3', '9007199254740993', 'Infinity', ''];

function rawBytesOf(t: Tensor): Uint8Array {
  if (t.rawData && t.rawData.length) return t.rawData;
  if (t.floatData && t.floatData.length) return new Uint8Array(Float32Array.from(t.floatData).buffer);
  return new Uint8Array(0);
}

function externalize(t: Tensor, entries: [string, string][]): void {
  t.dataLocation = 1;
  t.externalData = entries.map(([key, value]) => ({ key, value }));
  t.rawData = new Uint8Array(0);
  t.floatData = [];
}

/** Fills the secret outside the folder: a text that float weights do not contain by chance. */
export const SECRET_MARKER = 'O2W-FUZZ-SECRET!';
const secretBytes = (n: number) => new Uint8Array(n).map((_, i) => SECRET_MARKER.charCodeAt(i % SECRET_MARKER.length));

/**
 * A time-of-check/time-of-use race: the data file is valid, but while the case runs another process
 * keeps swapping it for a symlink to a same-sized secret outside the folder. Every compile must read
 * the real bytes or fail typed; the secret in the weights is a finding.
 */
export function externalRace(t: Tensor, data: Uint8Array, ctx: MutationContext): string | undefined {
  if (data.length < SECRET_MARKER.length) return undefined;
  externalize(t, [['location', 'race.bin']]);
  ctx.sideFiles.push({ path: '../secret.bin', data: secretBytes(data.length) }, { path: 'race.bin', data, raceTo: '../secret.bin' });
  ctx.secretMarker = SECRET_MARKER;
  return `initializer '${t.name}' external in race.bin, swapped for a symlink out of the folder while compiling`;
}

function escape(t: Tensor, data: Uint8Array, ctx: MutationContext): string {
  const location = ctx.rng.pick(ESCAPING);
  externalize(t, [['location', location]]);
  // Real files at the targets, so following the path would "work".
  ctx.sideFiles.push({ path: '../outside.bin', data }, { path: '../../outside.bin', data });
  if (location === 'link.bin') ctx.sideFiles.push({ path: 'link.bin', symlinkTo: '../outside.bin' });
  if (location === 'linkdir/outside.bin') ctx.sideFiles.push({ path: 'linkdir', symlinkTo: '..' });
  if (location === 'sub/../../outside.bin') ctx.sideFiles.push({ path: 'sub', dir: true });
  ctx.mustFail = `external data location '${location}' leaves the model's folder but was accepted`;
  return `initializer '${t.name}' external at '${location}' (outside the folder)`;
}

export const externalData: ModelMutator = (m, ctx) => {
  const { rng } = ctx;
  const inits = m.graph?.initializer ?? [];
  if (!inits.length) return undefined;
  const t = rng.pick(inits);
  const data = rawBytesOf(t);
  switch (rng.int(5)) {
    case 0: return escape(t, data, ctx);
    case 4: return externalRace(t, data, ctx);
    case 1: {
      const location = rng.pick(INVALID);
      externalize(t, [['location', location]]);
      ctx.sideFiles.push({ path: 'sub', dir: true });
      return `initializer '${t.name}' external at unusable location '${JSON.stringify(location)}'`;
    }
    case 2: {
      const key = rng.pick(['offset', 'length']);
      const value = rng.pick([...BAD_NUMBERS, String(data.length + 1)]);
      externalize(t, [['location', 'data.bin'], [key, value]]);
      ctx.sideFiles.push({ path: 'data.bin', data });
      return `initializer '${t.name}' external in data.bin with ${key}=${JSON.stringify(value)}`;
    }
    default: {
      // A valid external tensor: the compile should behave as with the data inline.
      const offset = rng.pick([0, 16, 4096]);
      const file = new Uint8Array(offset + data.length);
      file.set(data, offset);
      externalize(t, [['location', 'weights/data.bin'], ['offset', String(offset)], ['length', String(data.length)]]);
      ctx.sideFiles.push({ path: 'weights', dir: true }, { path: 'weights/data.bin', data: file });
      return `initializer '${t.name}' external in weights/data.bin at offset ${offset} (valid)`;
    }
  }
};
