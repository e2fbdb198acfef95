import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../../config/types.ts';
import { TART_VMS_PER_HOST } from '../../config/hostLimit.ts';
import { errorMessage } from '../../errors.ts';
import { runOwned } from '../../process/runOwned.ts';
import { tart } from '../../providers/tart/tartCli.ts';
import { listLocalVMs } from '../../providers/tart/tartList.ts';
import { whichTool } from '../../process/tools.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Where macOS keeps the DHCP server settings that Tart's shared network uses. */
const BOOTPD_PLIST = '/Library/Preferences/SystemConfiguration/com.apple.InternetSharing.default.plist';
const LEASE_FIX = `sudo defaults write ${BOOTPD_PLIST} bootpd -dict DHCPLeaseTimeSecs -int 600`;
const DEFAULT_LEASE_PROBLEM = 'DHCP lease time is the default 86400 s: a pool recycling a VM per test runs out of addresses within a day.';

/** Tart-specific checks: version, snapshot VM, VMs per host, DHCP lease time. */
export async function tartChecks(config: ResolvedConfig): Promise<Check[]> {
  if (whichTool('tart') === null) return [];
  const checks: Check[] = [];
  try {
    const version = (await tart(['--version'], { timeoutMs: 10_000 })).trim();
    checks.push({ name: 'tart', ok: true, detail: `version ${version}` });
    const vms = await listLocalVMs();
    const snap = vms.find((vm) => vm.Name === config.pool.snapshot);
    checks.push({
      name: 'tart vm',
      ok: snap !== undefined,
      detail: snap
        ? `${snap.Name} present (${snap.State}, ${snap.Size ?? '?'} GB)`
        : `no local VM "${config.pool.snapshot}" — run 'vmwatch snapshot build'`,
    });
    const running = vms.filter((vm) => vm.Running).map((vm) => vm.Name);
    checks.push({
      name: 'vms/host',
      ok: config.pool.size <= TART_VMS_PER_HOST || config.pool.overrideHostLimit,
      detail:
        `pool.size ${config.pool.size}, limit ${TART_VMS_PER_HOST} per Mac; ` +
        `running now: ${running.length ? running.join(', ') : 'none'}`,
    });
  } catch (err) {
    checks.push({ name: 'tart', ok: false, detail: errorMessage(err) });
  }
  checks.push(await dhcpLeaseCheck());
  return checks;
}

/** macOS hands 86,400 s leases: ~253 clones a day exhaust the range. 600 s is the fix. */
async function dhcpLeaseCheck(): Promise<Check> {
  if (process.platform !== 'darwin' || !existsSync(BOOTPD_PLIST)) {
    return { name: 'dhcp', ok: true, detail: 'not macOS (no bootpd settings): nothing to check' };
  }
  const r = await runOwned('defaults', ['read', BOOTPD_PLIST, 'bootpd'], { timeoutMs: 10_000 });
  const secs = Number(/DHCPLeaseTimeSecs\s*=\s*(\d+)/.exec(r.stdout)?.[1] ?? Number.NaN);
  if (Number.isNaN(secs)) {
    return {
      name: 'dhcp',
      ok: false,
      detail: `${DEFAULT_LEASE_PROBLEM} Fix: ${LEASE_FIX}`,
    };
  }
  return {
    name: 'dhcp',
    ok: secs <= 3600,
    detail: `DHCP lease time ${secs} s${secs > 3600 ? ` — too long for a recycling pool. Fix: ${LEASE_FIX}` : ''}`,
  };
}
