import { statfsSync, mkdirSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { vmwatchHome } from '../../paths.ts';
import { resolveProviderKind } from '../../providers/createProvider.ts';
import { INSTALL_HINTS, whichTool } from '../../process/tools.ts';
import { snapshotStatus } from '../../snapshot/status.ts';
import { describeNotificationPaths, sinkFor } from '../../report/notificationSinks.ts';
import { errorMessage } from '../../errors.ts';
import type { CommonFlags } from '../args.ts';
import type { ResolvedConfig } from '../../config/types.ts';
import { tartChecks, type Check } from './doctorTart.ts';
import { orchardChecks } from './doctorOrchard.ts';

const TOOLS: Record<string, string[]> = {
  sandbox: ['bwrap', 'unshare', 'rsync', 'git'],
  tart: ['tart', 'ssh', 'rsync', 'git'],
  orchard: ['ssh', 'rsync', 'git'],
};

/** `vmwatch doctor`: tools, snapshot and disk, each with what to do when it fails. */
export async function doctorCommand(flags: CommonFlags): Promise<number> {
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  const kind = resolveProviderKind(config);
  const checks: Check[] = [{ name: 'provider', ok: true, detail: `${kind} (pool.provider: ${config.pool.provider})` }];
  for (const tool of TOOLS[kind] ?? []) {
    const found = whichTool(tool);
    checks.push({ name: tool, ok: found !== null, detail: found ?? `missing — install: ${INSTALL_HINTS[tool] ?? tool}` });
  }
  if (kind === 'tart') checks.push(...(await tartChecks(config)));
  checks.push(...(await orchardChecks(config)));
  const snap = await snapshotStatus(config, kind);
  checks.push({
    name: 'snapshot',
    ok: snap.state === 'fresh',
    detail:
      `${snap.name}: ${snap.state}` +
      (snap.reasons.length && snap.state !== 'fresh' ? ` (${snap.reasons.join(', ')}) — run 'vmwatch snapshot build'` : ''),
  });
  mkdirSync(vmwatchHome(), { recursive: true });
  const fs = statfsSync(vmwatchHome());
  const freeGb = (fs.bavail * fs.bsize) / 1024 ** 3;
  checks.push({
    name: 'disk',
    ok: freeGb >= 2,
    detail: `${freeGb.toFixed(1)} GiB free under ${vmwatchHome()}${freeGb < 2 ? ' — free some space or set VMWATCH_HOME' : ''}`,
  });
  checks.push(...(await notifyChecks(config.notify, flags.notify)));
  if (flags.json) process.stdout.write(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2)}\n`);
  else for (const c of checks) process.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name.padEnd(9)} ${c.detail}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

/** Where notifications will go; with `--notify`, a test notification sent that way. */
async function notifyChecks(config: ResolvedConfig['notify'], send: boolean): Promise<Check[]> {
  const checks: Check[] = describeNotificationPaths(config).map((detail) => ({ name: 'notify', ok: true, detail }));
  if (!send) return checks;
  if (config === false) return [...checks, { name: 'notify', ok: false, detail: 'not sent: notify is false in the config' }];
  try {
    await sinkFor(config).send({
      kind: 'problem',
      title: 'vmwatch doctor',
      body: 'a test notification: if you see this, notifications work',
    });
    checks.push({ name: 'notify', ok: true, detail: 'test notification sent (if none appeared, see the paths above)' });
  } catch (err) {
    checks.push({ name: 'notify', ok: false, detail: `test notification failed: ${errorMessage(err)}` });
  }
  return checks;
}
