// Importing this module registers every built-in IR op.
import './elementwise.js';
import './gemm.js';
import './matmul.js';
import './reshape.js';
import './flatten.js';
import './squeeze.js';
import './unsqueeze.js';
import './transpose.js';
import './concat.js';
import './slice.js';
import './gather.js';
import './cast.js';
import './shape.js';
import './constant-of-shape.js';
import './reduce-mean.js';
import './softmax.js';
import './layer-normalization.js';
