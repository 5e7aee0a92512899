// Importing this module registers every built-in lowering.
import './elementwise.js';
import './gemm.js';
import './reshape.js';
import './concat.js';
