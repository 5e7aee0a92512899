// Importing this module registers every built-in ONNX handler.
import './elementwise.js';
import './gemm.js';
import './conv.js';
import './pool.js';
import './batch-normalization.js';
import './matmul.js';
import './movement.js';
import './constant.js';
import './reduce-mean.js';
import './softmax.js';
import './layer-normalization.js';
import './reduce.js';
import './attention.js';
