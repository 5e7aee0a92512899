import { direct, registerHandler } from '../handler-registry.js';

registerHandler('Gemm', 1, direct());
