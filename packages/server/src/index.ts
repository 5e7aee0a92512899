// @onnx2wasm/server: model repositories (build, pack, unpack), the Open Inference Protocol
// handlers, the Node server and the Worker deployment.
export { RepositoryError } from './errors.js';
export type { RepositoryErrorCode } from './errors.js';
export { scanRepository } from './repository/scan.js';
export type { Repository, RepoModel, RepoVersion } from './repository/scan.js';
export { readModelConfig } from './repository/config.js';
export type { ModelConfig, VersionPolicy } from './repository/config.js';
export { buildRepository } from './repository/build.js';
export type { BuildOptions, BuildResult } from './repository/build.js';
export { readIndex, INDEX_FILE } from './repository/index-file.js';
export type { RepositoryIndex, VersionEntry } from './repository/index-file.js';
export { packRepository, unpackRepository } from './repository/archive.js';
export { serveRepository } from './node/serve.js';
export type { ServeOptions, RunningServer } from './node/serve.js';
export { deployWorker } from './worker/deploy.js';
export type { DeployOptions, DeployResult } from './worker/deploy.js';
export * from './protocol/index.js';
