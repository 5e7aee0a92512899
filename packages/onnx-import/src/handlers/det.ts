// Det (opset 11 and 22: same semantics, 22 only widens the types) maps 1:1 to the IR op.
import { direct, registerHandler } from '../handler-registry.js';

registerHandler('Det', 11, direct());
