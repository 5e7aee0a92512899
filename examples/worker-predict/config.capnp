# workerd config for running the example Worker locally, without a Cloudflare account:
#
#   npx onnx2wasm compile examples/tiny-mlp/model.onnx -o examples/worker-predict/model --target worker --embed-weights
#   npx workerd serve examples/worker-predict/config.capnp
#   curl -s localhost:8080/predict -H 'content-type: application/json' -d '{"dims":[1,64],"data":[...64 numbers...]}'
#
# workerd takes no bundler: every module is listed here, so the model is compiled with
# --embed-weights (its file names are then fixed) and the runtime's files are named one by one.
# `--socket-addr http=127.0.0.1:PORT` on the command line moves the listener.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .predictWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const predictWorker :Workerd.Worker = (
  modules = [
    (name = "src/index.js", esModule = embed "src/index.js"),
    (name = "model/model.js", esModule = embed "model/model.js"),
    # A wasm module is compiled when the config is loaded, as Cloudflare does at upload:
    # Workers may not compile wasm from bytes at run time.
    (name = "model/model.wasm", wasm = embed "model/model.wasm"),
    (name = "model/runtime/index.js", esModule = embed "model/runtime/index.js"),
    (name = "model/runtime/load-model.js", esModule = embed "model/runtime/load-model.js"),
    (name = "model/runtime/errors.js", esModule = embed "model/runtime/errors.js"),
    (name = "model/runtime/tensor.js", esModule = embed "model/runtime/tensor.js"),
    (name = "model/runtime/host-imports.js", esModule = embed "model/runtime/host-imports.js"),
    (name = "model/runtime/validate-meta.js", esModule = embed "model/runtime/validate-meta.js"),
    (name = "model/runtime/relaxed-simd.js", esModule = embed "model/runtime/relaxed-simd.js"),
    (name = "model/runtime/dynamic-dims.js", esModule = embed "model/runtime/dynamic-dims.js"),
    (name = "model/runtime/value-variants.js", esModule = embed "model/runtime/value-variants.js"),
    (name = "model/runtime/weights-digest.js", esModule = embed "model/runtime/weights-digest.js"),
    (name = "model/runtime/read-feeds.js", esModule = embed "model/runtime/read-feeds.js"),
    (name = "model/runtime/threads.js", esModule = embed "model/runtime/threads.js"),
  ],
  compatibilityDate = "2026-11-01",
);
