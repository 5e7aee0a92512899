// `node --import ./scripts/fuzz/ts-loader.mjs file.ts` runs the fuzzer straight from the TypeScript
// sources, with the same package aliases as vitest.config.ts, so a fuzz run never tests a stale build.
// Type stripping only (typescript's transpileModule); type checking is the build's job.
import { register } from 'node:module';

register(new URL('./ts-loader-hooks.mjs', import.meta.url));
