import { describe } from 'vitest';
import { conformanceShard } from './shard.js';

describe('allowlisted ONNX conformance cases, shard 0', () => conformanceShard(0));
