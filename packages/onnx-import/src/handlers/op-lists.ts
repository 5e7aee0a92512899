/** ONNX ops that map one-to-one onto the IR op of the same name (same inputs and attributes). */
export const BINARY_OPS = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'BitShift',
  'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor',
  'BitwiseAnd', 'BitwiseOr', 'BitwiseXor',
];
export const UNARY_OPS = [
  'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Erf', 'Neg', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign',
  'Identity', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh',
  'Asinh', 'Acosh', 'Atanh', 'Softplus', 'Softsign', 'Elu', 'Selu', 'Celu', 'ThresholdedRelu', 'Mish', 'Shrink', 'Gelu',
  'Not', 'BitwiseNot', 'IsNaN', 'IsInf', 'Where',
];
