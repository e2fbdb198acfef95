/**
 * Every process group vmwatch starts is registered here until it exits, so that nothing outlives
 * us: a normal shutdown kills them group by group, and even on an uncaught crash the `exit` hook
 * sends SIGKILL to each group that is still there.
 */
const groups = new Set<number>();
let hooked = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of groups) killGroup(pid, 'SIGKILL');
  });
}

export function registerGroup(pid: number): void {
  hookExit();
  groups.add(pid);
}

export function unregisterGroup(pid: number): void {
  groups.delete(pid);
}

export function liveGroups(): number[] {
  return [...groups];
}

/** SIGTERM every registered group, then SIGKILL what is left after `graceMs`. */
export async function killAllGroups(graceMs = 1000): Promise<void> {
  const pids = [...groups];
  for (const pid of pids) killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 25));
  for (const pid of pids) if (isAlive(pid)) killGroup(pid, 'SIGKILL');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export { killGroup };
