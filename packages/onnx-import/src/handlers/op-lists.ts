export const BINARY_OPS = ['Add', 'Sub', 'Mul', 'Div', 'Pow'];
export const UNARY_OPS = ['Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Erf', 'Neg', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Identity', 'LeakyRelu', 'HardSigmoid', 'HardSwish'];
