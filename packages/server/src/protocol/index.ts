// The platform-neutral part of the server: no Node APIs, so Worker bundles include it as it is.
export { createHandler, DEFAULT_MAX_BODY, EXTENSIONS } from './handler.js';
export type { FetchHandler, HandlerOptions } from './handler.js';
export type { InferenceBackend, ModelVersionInfo, TensorSpec } from './backend.js';
export { Metrics } from './metrics.js';
export { ProtocolError, BadRequestError, NotFoundError, MethodNotAllowedError, PayloadTooLargeError, UnavailableError } from './errors.js';
export { DATATYPES, datatypeName, floatToHalf, halfToFloat } from './datatypes.js';
export { createWorkerApp } from './worker-app.js';
export type { WorkerModel } from './worker-app.js';
