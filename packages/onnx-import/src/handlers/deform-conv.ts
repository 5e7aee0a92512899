// DeformConv (opset 19; 22 only widens the types) maps 1:1 to the IR op, which takes explicit pads like ONNX's.
import { direct, registerHandler } from '../handler-registry.js';

registerHandler('DeformConv', 19, direct());
