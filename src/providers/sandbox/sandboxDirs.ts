import path from 'node:path';
import { vmwatchHome } from '../../paths.ts';

/** Where the sandbox provider keeps snapshots and machines under VMWATCH_HOME. */
export const sandboxDirs = {
  base: (): string => path.join(vmwatchHome(), 'sandbox'),
  snapshot: (name: string): string => path.join(vmwatchHome(), 'sandbox', 'snapshots', name),
  /** An always-empty tree: the lower layer of a machine built from nothing. */
  empty: (): string => path.join(vmwatchHome(), 'sandbox', 'empty'),
  machines: (): string => path.join(vmwatchHome(), 'sandbox', 'machines'),
  machine: (name: string): string => path.join(vmwatchHome(), 'sandbox', 'machines', name),
  trash: (): string => path.join(vmwatchHome(), 'sandbox', 'trash'),
};
