// Importing this module registers every built-in IR op.
import './elementwise.js';
import './gemm.js';
