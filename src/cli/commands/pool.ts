import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { PoolError, UsageError } from '../../errors.ts';
import { isPoolMachine, machinePrefix } from '../../pool/machineNames.ts';
import { poolStatusFile } from '../../pool/poolStatusFile.ts';
import { PoolLock } from '../../pool/poolLock.ts';
import { isAlive } from '../../process/childRegistry.ts';
import { createProvider } from '../../providers/createProvider.ts';
import type { CommonFlags } from '../args.ts';

function lockHolder(pool: string): number | null {
  const file = new PoolLock(pool).file;
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return pid > 0 && isAlive(pid) ? pid : null;
}

/** `vmwatch pool status|destroy`. */
export async function poolCommand(flags: CommonFlags, args: string[]): Promise<number> {
  const [action] = args;
  if (action !== 'status' && action !== 'destroy') throw new UsageError(`usage: vmwatch pool status|destroy (got '${action ?? ''}')`);
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  const provider = createProvider(config);
  const name = config.pool.name;
  const holder = lockHolder(name);
  const machines = (await provider.listVMs(machinePrefix(name))).filter((n) => isPoolMachine(name, n));
  if (action === 'destroy') {
    if (holder !== null)
      throw new PoolError(`pool ${name} is in use by vmwatch pid ${holder}; stop it (Ctrl-C in its terminal, or kill ${holder}) first`);
    await Promise.all(machines.map((m) => provider.destroyVM(m)));
    process.stdout.write(`pool ${name}: removed ${machines.length} machine(s)\n`);
    return 0;
  }
  let live: unknown = null;
  if (holder !== null && existsSync(poolStatusFile(name))) live = JSON.parse(readFileSync(poolStatusFile(name), 'utf8'));
  const status = { pool: name, provider: provider.kind, ownerPid: holder, machines, live };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`pool ${name} (${provider.kind}): ${holder === null ? 'no vmwatch running' : `in use by pid ${holder}`}\n`);
  const slots = (
    live as { slots?: Array<{ name: string; state: string; readiness?: string; metrics: Record<string, number>; error?: string }> } | null
  )?.slots;
  if (slots) {
    for (const s of slots) {
      const m = s.metrics;
      process.stdout.write(
        `  ${s.name.padEnd(28)} ${s.state.padEnd(9)} ${(s.readiness ?? '').padEnd(7)} ` +
          `boots ${m.boots}  reverts ${m.reverts}  failures ${m.failures}  busy ${(m.busyMs! / 1000).toFixed(1)}s` +
          `${s.error ? `  (${s.error})` : ''}\n`,
      );
    }
  } else {
    for (const m of machines) process.stdout.write(`  ${m}${holder === null ? '  (left over; `vmwatch pool destroy` removes it)' : ''}\n`);
    if (machines.length === 0) process.stdout.write('  no machines\n');
  }
  return 0;
}
