// Typed errors of the server package. RepositoryError: a model repository that cannot be read,
// built, packed or deployed (the CLI prints it as one line). Protocol errors live in
// protocol/errors.ts, because they also ship inside Worker bundles.

export type RepositoryErrorCode =
  | 'INVALID_REPOSITORY' // layout, names or version folders wrong
  | 'INVALID_CONFIG'     // a config.json that does not parse or has unknown or ill-typed keys
  | 'IMMUTABLE_VERSION'  // different bytes under a version that was already built
  | 'BUILD_FAILED'       // a model version failed to compile
  | 'NOT_BUILT'          // pack or deploy of a repository whose versions are not built
  | 'INVALID_ARCHIVE'    // unpack of a damaged or unsafe archive
  | 'LIMIT_EXCEEDED'     // deploy: the bundle is over a Worker limit
  | 'IO_ERROR';

export class RepositoryError extends Error {
  readonly code: RepositoryErrorCode;
  constructor(code: RepositoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RepositoryError';
    this.code = code;
  }
}
