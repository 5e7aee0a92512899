// Importing this module registers every built-in ONNX handler.
import './elementwise.js';
import './gemm.js';
