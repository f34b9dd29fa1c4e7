/**
 * The process-wide runtime: env parsed once, ServiceCtx built once, the legacy handler over it. Cached on globalThis
 * per "world": the custom server (tsx) and Next's bundle each load their own copy of the server modules, and each
 * keeps one runtime (so dev HMR does not open a new database handle per reload).
 */
import { closeServiceCtx, createServiceCtx, type ServiceCtx } from './context';
import { loadEnv } from './env';
import { createLegacyHandler, type LegacyHandler } from './legacy/handle';

export interface Runtime {
  ctx: ServiceCtx;
  legacy: LegacyHandler;
}

type World = 'server' | 'next';
const KEY = Symbol.for('edu-classroom.runtime');
type Holder = { [KEY]?: Partial<Record<World, Runtime>> };

export function createRuntime(ctx: ServiceCtx): Runtime {
  return { ctx, legacy: createLegacyHandler(ctx) };
}

export function getRuntime(world: World): Runtime {
  const g = globalThis as Holder;
  const cache = (g[KEY] ??= {});
  return (cache[world] ??= createRuntime(createServiceCtx(loadEnv())));
}

/** Flushes presence and closes the database of every runtime this process built (graceful shutdown). */
export async function stopRuntimes(): Promise<void> {
  const cache = (globalThis as Holder)[KEY] ?? {};
  const worlds = Object.keys(cache) as World[];
  await Promise.all(worlds.map((w) => closeServiceCtx(cache[w]!.ctx)));
  for (const w of worlds) delete cache[w];
}
