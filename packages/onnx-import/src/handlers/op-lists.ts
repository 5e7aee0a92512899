import { ELEMENTWISE_FUNCTIONS } from '@onnx2wasm/ir';

/** ONNX ops that map one-to-one onto the IR op of the same name (same inputs and attributes). */
export const BINARY_OPS = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'BitShift',
  'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor',
  'BitwiseAnd', 'BitwiseOr', 'BitwiseXor',
];
/** The unary ops: these, and every activation of the IR's table of elementwise functions. */
export const UNARY_OPS = [
  'Exp', 'Log', 'Sqrt', 'Erf', 'Neg', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign',
  'Identity', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh',
  'Asinh', 'Acosh', 'Atanh', 'Gelu',
  'Not', 'BitwiseNot', 'IsNaN', 'IsInf', 'Where',
  ...ELEMENTWISE_FUNCTIONS.filter((f) => f.irOp).map((f) => f.id),
];
