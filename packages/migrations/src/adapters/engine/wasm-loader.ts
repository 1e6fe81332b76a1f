import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type SchemaEngineBindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg', {
  with: { 'resolution-mode': 'import' },
});

interface WasmRuntime {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
// The project compiles without the DOM library, which is where TypeScript declares WebAssembly.
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmRuntime };

let loading: Promise<SchemaEngineBindings> | undefined;

/**
 * Prisma's schema engine compiled to wasm, instantiated once per process (about 40 ms). The
 * package's own entry point imports the `.wasm` file as an ES module, which Node cannot do, so the
 * bindings are wired to the instance by hand.
 */
export function loadSchemaEngine(): Promise<SchemaEngineBindings> {
  loading ??= instantiate().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

type PanicListener = (message: string) => void;
const panicListeners = new Set<PanicListener>();

/** Be told when the engine panics: the operation under way will never settle. */
export function onEnginePanic(listener: PanicListener): () => void {
  panicListeners.add(listener);
  return () => panicListeners.delete(listener);
}

/**
 * The engine reports a Rust panic here, then aborts with a wasm trap thrown from inside a promise
 * callback, where nothing can catch it. That one trap is swallowed, so that the operation can be
 * failed with the panic's message and the throwaway database still be removed.
 */
const panicRegistry = {
  set_message(message: string) {
    process.prependOnceListener('uncaughtException', (error) => {
      if ((error as Error)?.constructor?.name !== 'RuntimeError') throw error;
    });
    panicListeners.forEach((listener) => listener(message));
  },
};

async function instantiate(): Promise<SchemaEngineBindings> {
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof panicRegistry }).PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
  const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const bindingsFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasm = await readFile(path.join(path.dirname(bindingsFile), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(wasm, { './schema_engine_bg.js': withUnrefTimers(bindings) });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports['__wbindgen_start'] as () => void)();
  return bindings;
}

/**
 * The engine arms a timer for each operation and never clears it, which kept processes alive
 * for seconds after their work was done. Its timers are unref'd: they still fire while the
 * process runs, but no longer hold it open.
 */
function withUnrefTimers(bindings: SchemaEngineBindings): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(bindings).map(([name, value]) => {
      if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') return [name, value];
      const setTimer = value as (...args: unknown[]) => unknown;
      return [
        name,
        (...args: unknown[]) => {
          const timer = setTimer(...args) as { unref?: () => void };
          timer.unref?.();
          return timer;
        },
      ];
    }),
  );
}
