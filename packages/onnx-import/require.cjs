// CommonJS entry of @onnx2wasm/onnx-import: the package is ES modules only, so require() gets this explanation
// instead of Node's ERR_PACKAGE_PATH_NOT_EXPORTED. From CommonJS, load it with a dynamic import.
const error = new Error(
  "@onnx2wasm/onnx-import is an ES module package and cannot be loaded with require(). " +
    "From CommonJS use a dynamic import: const { ... } = await import('@onnx2wasm/onnx-import'); " +
    "or write your file as an ES module (.mjs, or \"type\": \"module\" in package.json).",
);
error.code = 'ERR_REQUIRE_ESM';
throw error;
