// Installs plugins into the same registries the built-in ops use (handlers, IR ops, lowerings).
// Registries are process-wide, so registration is idempotent per plugin name, and two plugins
// claiming the same ONNX op (or a plugin claiming a built-in one) is an INVALID_OPTION error.
import { CompileError, getOp, registerOp } from '@onnx2wasm/ir';
import type { OpDef } from '@onnx2wasm/ir';
import { direct, findHandler, registerHandler } from '@onnx2wasm/onnx-import';
import type { Handler } from '@onnx2wasm/onnx-import';
import type { Pass } from '@onnx2wasm/optimizer';
import { hasLowering, registerLowering, staticView } from '@onnx2wasm/wasm-codegen';
import { KernelOp, Plugin, PluginOp, definePlugin, isKernelOp } from './define-plugin.js';

/** ONNX op key ('domain:opType', default domain spelled '') → the plugin that owns it. */
const owners = new Map<string, string>();
const installed = new Set<string>();

const opKey = (op: PluginOp) => `${op.domain === 'ai.onnx' ? '' : op.domain}:${op.opType}`;

/**
 * Runs `f` and turns anything it throws into a CompileError naming the plugin and the node; a
 * CompileError keeps its code (a plugin's `fail(node, ..., 'INVALID_ATTRIBUTE')` stays that).
 */
function guarded<T>(plugin: string, op: string, node: string, fallback: 'INVALID_MODEL' | 'CODEGEN_FAILED', f: () => T): T {
  try {
    return f();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof CompileError && msg.includes(`plugin '${plugin}'`)) throw e;
    const code = e instanceof CompileError ? e.code : fallback;
    throw new CompileError(code, `plugin '${plugin}', ${op} node '${node}': ${msg}`, { node, op });
  }
}

function kernelOpDef(plugin: string, op: KernelOp, irOp: string): OpDef {
  return {
    name: irOp,
    group: op.group ?? 'misc',
    description: op.description ?? `${op.domain}:${op.opType} (plugin '${plugin}')`,
    infer: (ctx) => guarded(plugin, irOp, ctx.node.name, 'INVALID_MODEL', () => op.infer(ctx)),
    evaluate: (node, inputs) => guarded(plugin, irOp, node.name, 'INVALID_MODEL', () => op.evaluate(node, inputs)),
  };
}

function checkFree(plugin: string, op: PluginOp): void {
  const k = opKey(op);
  const owner = owners.get(k);
  const id = `${op.domain || 'ai.onnx'}:${op.opType}`;
  if (owner !== undefined) throw new CompileError('INVALID_OPTION', `plugins '${owner}' and '${plugin}' both provide ${id}`);
  if (findHandler(op.domain, op.opType, Number.MAX_SAFE_INTEGER)) throw new CompileError('INVALID_OPTION', `plugin '${plugin}' provides ${id}, which onnx2wasm already handles`);
  if (isKernelOp(op)) {
    const irOp = op.irOp ?? op.opType;
    if (getOp(irOp) || hasLowering(irOp)) throw new CompileError('INVALID_OPTION', `plugin '${plugin}' defines IR op '${irOp}', which already exists (set irOp to another name)`);
  }
}

function install(plugin: Plugin): void {
  for (const op of plugin.ops) {
    owners.set(opKey(op), plugin.name);
    let handler: Handler;
    if (isKernelOp(op)) {
      const irOp = op.irOp ?? op.opType;
      registerOp(kernelOpDef(plugin.name, op, irOp));
      registerLowering({
        ops: [irOp],
        scratchBytes: op.scratchBytes ? (node) => op.scratchBytes!(node) : undefined,
        lower: (ctx) => guarded(plugin.name, irOp, ctx.node.name, 'CODEGEN_FAILED', () => op.lower(staticView(ctx), ctx.node)),
      });
      handler = direct(irOp);
    } else {
      handler = (ctx) => guarded(plugin.name, op.opType, ctx.node.name, 'INVALID_MODEL', () => op.expand(ctx));
    }
    registerHandler(op.opType, op.sinceVersion, handler, op.domain === 'ai.onnx' ? '' : op.domain);
  }
}

/** Registers every plugin (once per name) and returns their passes, in order, for the optimizer. */
export function registerPlugins(plugins: Plugin[]): Pass[] {
  if (!Array.isArray(plugins)) throw new CompileError('INVALID_OPTION', 'plugins must be an array of definePlugin(...) values');
  for (const p of plugins) {
    try { definePlugin(p); } catch (e) { throw new CompileError('INVALID_OPTION', (e as Error).message); }
    if (installed.has(p.name)) continue;
    // Check every op first so a rejected plugin leaves nothing half-registered.
    const seen = new Set<string>();
    for (const op of p.ops) {
      if (seen.has(opKey(op))) throw new CompileError('INVALID_OPTION', `plugin '${p.name}' lists ${op.domain}:${op.opType} twice`);
      seen.add(opKey(op));
      checkFree(p.name, op);
    }
    install(p);
    installed.add(p.name);
  }
  return plugins.flatMap((p) => p.passes ?? []);
}
