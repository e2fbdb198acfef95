import path from 'node:path';
import { homePaths } from '../../paths.ts';

/** Where the sandbox provider keeps snapshots and machines under VMWATCH_HOME. */
export const sandboxDirs = {
  base: (): string => homePaths.sandbox(),
  snapshot: (name: string): string => path.join(homePaths.sandbox(), 'snapshots', name),
  /** An always-empty tree: the lower layer of a machine built from nothing. */
  empty: (): string => path.join(homePaths.sandbox(), 'empty'),
  machines: (): string => path.join(homePaths.sandbox(), 'machines'),
  machine: (name: string): string => path.join(homePaths.sandbox(), 'machines', name),
  trash: (): string => path.join(homePaths.sandbox(), 'trash'),
};
