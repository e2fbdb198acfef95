import { z } from 'zod';
import { MachineError } from '../../errors.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { tart, TartCommandError } from './tartCli.ts';

/** Tries of `tart list` before its error stands: a `tart delete` racing it makes one fail. */
const LIST_TRIES = 3;

/** One row of `tart list --format json` (Tart's own field names). */
const tartVMSchema = z.object({
  Source: z.string(),
  Name: z.string(),
  Disk: z.number().optional(),
  Size: z.number().optional(),
  Accessed: z.string().optional(),
  Running: z.boolean(),
  State: z.string(),
});

export type TartVM = z.output<typeof tartVMSchema>;

/** The local VMs Tart knows (images pulled from registries are left out). */
export async function listLocalVMs(signal?: AbortSignal): Promise<TartVM[]> {
  const stdout = await listOutput(signal);
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (err) {
    throw new MachineError(`'tart list --format json' printed something that is not JSON: ${stdout.slice(0, 200)}`, { cause: err });
  }
  const rows = z.array(tartVMSchema).safeParse(parsed);
  if (!rows.success) throw new MachineError(`'tart list --format json' printed an unexpected shape: ${rows.error.message}`);
  return rows.data.filter((vm) => vm.Source === 'local');
}

/**
 * `tart list` reads each VM's files after listing their folders, so a `tart delete` running at the
 * same time (a pool shrinking, another pool cleaning up) can make it fail on a file that just went.
 * A failed list is tried again; a timeout, a cancel or a missing tart is not.
 */
async function listOutput(signal: AbortSignal | undefined): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tart(['list', '--format', 'json', '--source', 'local'], signal ? { signal } : {});
    } catch (err) {
      if (!(err instanceof TartCommandError) || err.tartExitCode === null || attempt >= LIST_TRIES) throw err;
      await delay(50 * attempt, undefined, signal ? { signal } : {});
    }
  }
}
