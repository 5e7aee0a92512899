import { BINARY_FUNCTIONS, UNARY_FUNCTIONS } from '@onnx2wasm/ir';

/** Max and Min are variadic in ONNX; their own handler folds them into Binary nodes. */
const VARIADIC = ['Max', 'Min'];

/** ONNX ops that are one Binary function of the IR, with the same inputs and attributes. */
export const BINARY_OPS = Object.keys(BINARY_FUNCTIONS).filter((op) => !VARIADIC.includes(op));
/** ONNX ops that are one Unary function of the IR (every function of its table), Identity and Where. */
export const UNARY_OPS = [...Object.keys(UNARY_FUNCTIONS), 'Identity', 'Where'];
