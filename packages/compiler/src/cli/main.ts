// Entry point of the onnx2wasm executable (bin/onnx2wasm.js imports this file).
import { runCli } from './program.js';

// exitCode rather than process.exit(): lets pending stdout writes finish when piped.
process.exitCode = await runCli(process.argv);
