import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection now. Start-up (listing, parsing 10,000 files, the watcher's scan)
 * leaves a heap full of garbage that V8 would otherwise keep resident while the watcher idles for
 * hours; one collection once ready gives most of it back. A no-op where the engine refuses.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
