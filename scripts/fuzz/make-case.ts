// Builds fuzz case number `index` of a campaign: picks a seed model, applies one to three
// mutations (structural first, then at most one byte-level), and picks compile options and how
// the compiled model will be fed. Everything is drawn from the case's own generator.
import type { Seed } from './corpus.js';
import { BYTE_MUTATORS } from './mutate-bytes.js';
import { externalData } from './mutate-external.js';
import { MODEL_MUTATORS, ModelMutator, MutationContext, SideFile, decodeModel, encodeModel } from './mutate-model.js';
import { Rng, caseRng } from './rng.js';
import { hostileModel } from './hostile-models.js';

export interface CompileChoices {
  inputShapes?: Record<string, number[]>;
  embedWeights: boolean;
  optimize: boolean;
  verify: boolean;
}

export type FeedMode = 'valid' | 'bad';

export interface FuzzCase {
  index: number;
  seedName: string;
  bytes: Uint8Array;
  sideFiles: SideFile[];
  mutations: string[];
  /** Why a successful compile of this case would be a bug, if it would. */
  mustFail?: string;
  /** Set for external-data races: the text of the secret outside the folder. */
  secretMarker?: string;
  compile: CompileChoices;
  feedSeed: number;
  feedMode: FeedMode;
  /** Damage the compiled module's metadata or weights before loading it. */
  corruptModule: boolean;
  /** Compile only: the model is valid but would run for too long (hostile-models.ts). */
  compileOnly?: boolean;
}

const STRUCTURAL: Record<string, ModelMutator> = { ...MODEL_MUTATORS, 'external-data': externalData };

function pickSeed(seeds: Seed[], rng: Rng): Seed {
  const shared = seeds.filter((s) => s.name.startsWith('models/'));
  const pool = shared.length && (rng.chance(0.35) || shared.length === seeds.length) ? shared : seeds.filter((s) => !s.name.startsWith('models/'));
  return rng.weighted(pool.map((s) => [s, s.weight] as const));
}

function applyStructural(bytes: Uint8Array, count: number, ctx: MutationContext): { bytes: Uint8Array; applied: string[] } {
  const model = decodeModel(bytes);
  if (!model.graph) return { bytes, applied: [] };
  const applied: string[] = [];
  const names = Object.keys(STRUCTURAL);
  for (let k = 0; k < count; k++) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const name = ctx.rng.pick(names);
      const what = STRUCTURAL[name]!(model, ctx);
      if (what) { applied.push(`${name}: ${what}`); break; }
    }
  }
  return { bytes: encodeModel(model), applied };
}

export function makeCase(seeds: Seed[], readSeed: (s: Seed) => Uint8Array, campaignSeed: number, index: number, knownOps: readonly string[] = [], hostileShare = 0): FuzzCase {
  const rng = caseRng(campaignSeed, index);
  // Some cases are models built to exhaust the compiler (hostile-models.ts) instead of mutants.
  if (hostileShare > 0 && rng.chance(hostileShare)) {
    const h = hostileModel(rng);
    return {
      index, seedName: `hostile/${h.kind}`, bytes: h.bytes, sideFiles: [], mutations: [h.what],
      compile: { embedWeights: false, optimize: rng.chance(0.8), verify: false },
      feedSeed: rng.int(2 ** 31), feedMode: 'valid', corruptModule: false, compileOnly: h.compileOnly,
    };
  }
  const seed = pickSeed(seeds, rng);
  const total = rng.weighted([[1, 6], [2, 3], [3, 1]] as const);
  const byteLevel = rng.chance(0.3);
  const ctx: MutationContext = { rng, sideFiles: [], knownOps };
  let { bytes, applied } = applyStructural(readSeed(seed), byteLevel ? total - 1 : total, ctx);
  if (byteLevel) {
    const name = rng.pick(Object.keys(BYTE_MUTATORS));
    const r = BYTE_MUTATORS[name]!(bytes, rng);
    bytes = r.bytes;
    applied.push(`${name}: ${r.description}`);
  }
  return {
    index,
    seedName: seed.name,
    bytes,
    sideFiles: ctx.sideFiles,
    mutations: applied,
    mustFail: ctx.mustFail,
    secretMarker: ctx.secretMarker,
    compile: {
      inputShapes: seed.inputShapes && rng.chance(0.7) ? seed.inputShapes : undefined,
      embedWeights: rng.chance(0.3),
      optimize: rng.chance(0.8),
      verify: rng.chance(0.3),
    },
    feedSeed: rng.int(2 ** 31),
    feedMode: rng.chance(0.25) ? 'bad' : 'valid',
    corruptModule: rng.chance(0.1),
  };
}
