import { readFileSync } from 'node:fs';
import { processTree } from '../../test/helpers/processes.ts';

const CLOCK_TICKS = 100;

/** Resident memory of the whole tree, in MB. */
function treeRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** CPU seconds (user + system) used so far by the tree's live processes. */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Idle cost of a process tree: RSS at the end, and CPU % over `ms`. */
export async function idleCost(pid: number, ms: number): Promise<{ rssMb: number; cpuPercent: number }> {
  const cpu0 = treeCpuSeconds(pid);
  await new Promise((r) => setTimeout(r, ms));
  const cpu1 = treeCpuSeconds(pid);
  return { rssMb: Math.round(treeRssMb(pid)), cpuPercent: Math.round(((cpu1 - cpu0) / (ms / 1000)) * 1000) / 10 };
}
