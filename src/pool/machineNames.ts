/** Machines are named `vmwatch-<pool>-<n>` (and `vmwatch-<pool>-build` while a snapshot builds). */
export function machinePrefix(pool: string): string {
  return `vmwatch-${pool}-`;
}

export function machineName(pool: string, index: number): string {
  return `${machinePrefix(pool)}${index}`;
}

export function builderName(pool: string): string {
  return `${machinePrefix(pool)}build`;
}

/** Whether `name` belongs to this pool (and not to a pool whose name merely starts the same). */
export function isPoolMachine(pool: string, name: string): boolean {
  const rest = name.startsWith(machinePrefix(pool)) ? name.slice(machinePrefix(pool).length) : null;
  return rest !== null && /^(\d+|build)$/.test(rest);
}
