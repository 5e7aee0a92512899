// Importing this module registers every built-in lowering.
import './elementwise.js';
import './gemm.js';
import './reshape.js';
import './concat.js';
import './conv.js';
import './pool.js';
import './global-pool.js';
import './batch-normalization.js';
import './matmul.js';
import './transpose.js';
import './slice.js';
import './gather.js';
import './softmax.js';
import './layer-normalization.js';
import './reduce-mean.js';
import './cast.js';
import './shape.js';
