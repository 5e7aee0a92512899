import { compile } from 'onnx2wasm';
const c = await compile(process.argv[2]);
const g = c.graph;
for (const n of g.nodes) {
  const ins = n.inputs.map((i) => { const t = g.types.get(i); const isInit = g.initializers?.has?.(i); return `${i}${isInit ? '(init)' : ''}[${t?.shape?.map(String).join(',')}]`; });
  console.log(n.op, n.name, JSON.stringify(n.attrs).slice(0,100), ins.join(' '));
}
console.log(Object.keys(g));
