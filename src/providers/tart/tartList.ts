import { z } from 'zod';
import { MachineError } from '../../errors.ts';
import { tart } from './tartCli.ts';

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
  const stdout = await tart(['list', '--format', 'json', '--source', 'local'], signal ? { signal } : {});
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
