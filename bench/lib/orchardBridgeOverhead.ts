import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { OrchardProvider } from '../../src/providers/orchard/OrchardProvider.ts';
import type { SshEndpoint } from '../../src/transport/types.ts';
import { SshTransport } from '../../src/transport/ssh/SshTransport.ts';
import type { OrchardDouble } from '../../test/helpers/orchardDouble.ts';
import { round, stats, type Stats } from './stats.ts';

const GUEST = '/mnt/vmwatch-bench/app';
const APP_FILES = 200;
const MODES = ['bridge', 'direct'] as const;
type Mode = (typeof MODES)[number];

interface Samples {
  masterStart: number[];
  execStart: number[];
  execTotal: number[];
  syncOne: number[];
  pull: number[];
  perTest: number[];
}

const empty = (): Samples => ({ masterStart: [], execStart: [], execTotal: [], syncOne: [], pull: [], perTest: [] });

/**
 * One Orchard-double VM reached two ways: through the controller's port-forward (the endpoint the
 * provider returns, ssh ProxyCommand = bin/orchard-bridge.mjs) and directly at the VM's sshd on
 * 127.0.0.N:22 (the same endpoint without proxyCommand; same key, same pinned host key). Each
 * cycle, for each way (order alternating): a fresh ssh master, `true` (start latency), a one-file
 * rsync into a synced copy of a 200-file app, a command writing an artifact and its pull.
 */
export async function bridgeOverhead(
  double: OrchardDouble,
  provider: OrchardProvider,
  home: string,
  cycles: number,
): Promise<Record<string, unknown>> {
  const name = 'vmwatch-bench-orchard-bridge';
  await provider.createVM(name);
  const bridged = (await provider.startVM(name)) as SshEndpoint;
  try {
    const ip = (await double.state()).vms.find((v) => v.name === name)?.ip;
    if (!ip) return { skipped: `the double reports no IP for ${name}` };
    const { proxyCommand: _bridge, ...rest } = bridged;
    const endpoints: Record<Mode, SshEndpoint> = { bridge: bridged, direct: { ...rest, host: ip } };
    const app = path.join(home, 'bench-app');
    const files: string[] = [];
    for (let i = 0; i < APP_FILES; i++) {
      const file = `src/d${i % 10}/m${i}.ts`;
      mkdirSync(path.join(app, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(app, file), `export const v${i} = ${i};\n`);
      files.push(file);
    }
    // The first, full copy (each way into its own folder), outside the figures.
    for (const mode of MODES) {
      const t = new SshTransport(endpoints[mode]);
      try {
        await t.copyToVM(app, `${GUEST}-${mode}`, { delete: true });
      } finally {
        await t.close();
      }
    }
    const samples: Record<Mode, Samples> = { bridge: empty(), direct: empty() };
    for (let i = 0; i < cycles; i++) {
      const order: Mode[] = i % 2 === 0 ? ['bridge', 'direct'] : ['direct', 'bridge'];
      for (const mode of order)
        await cycle(
          endpoints[mode],
          samples[mode],
          app,
          files[(i * 37) % files.length]!,
          path.join(home, 'pulled', mode, String(i)),
          `${GUEST}-${mode}`,
        );
    }
    const summary = (s: Samples): Record<string, Stats> => ({
      masterStartMs: stats(s.masterStart),
      execStartMs: stats(s.execStart),
      execTrueTotalMs: stats(s.execTotal),
      syncOneFileMs: stats(s.syncOne),
      artifactPullMs: stats(s.pull),
      perTestOverheadMs: stats(s.perTest),
    });
    const b = summary(samples.bridge);
    const d = summary(samples.direct);
    const ratio = (k: string): number => round(b[k]!.median / d[k]!.median, 2);
    return {
      cycles,
      appFiles: APP_FILES,
      direct: `${ip}:22 (the VM's sshd, no ProxyCommand)`,
      bridge: b,
      directSsh: d,
      ratioBridgeOverDirect: {
        perTestOverhead: ratio('perTestOverheadMs'),
        masterStart: ratio('masterStartMs'),
        execStart: ratio('execStartMs'),
        syncOneFile: ratio('syncOneFileMs'),
        artifactPull: ratio('artifactPullMs'),
      },
      perTestOverheadExtraMs: round(b.perTestOverheadMs!.median - d.perTestOverheadMs!.median),
      masterStartExtraMs: round(b.masterStartMs!.median - d.masterStartMs!.median),
      perTestOverheadMeans:
        'exec start latency of `true` + one-file rsync + artifact pull, over an open ssh master (median of the per-cycle sums)',
    };
  } finally {
    await provider.destroyVM(name);
  }
}

async function cycle(endpoint: SshEndpoint, s: Samples, app: string, changed: string, pullInto: string, guest: string): Promise<void> {
  writeFileSync(path.join(app, changed), `export const changed = ${performance.now()};\n`);
  const t = new SshTransport(endpoint);
  try {
    const t0 = performance.now();
    await (await t.master()).ensure();
    s.masterStart.push(performance.now() - t0);
    const t1 = performance.now();
    const r = await t.exec('true', { cwd: guest, timeoutMs: 30_000 });
    s.execTotal.push(performance.now() - t1);
    if (r.outcome !== 'exited' || r.exitCode !== 0)
      throw new Error(`\`true\` over ${endpoint.host}: ${r.outcome} ${r.exitCode} ${r.error ?? ''}`);
    const start = r.startLatencyMs ?? Number.NaN;
    s.execStart.push(start);
    const t2 = performance.now();
    await t.copyToVM(app, guest, { delete: true, files: [changed] });
    const sync = performance.now() - t2;
    s.syncOne.push(sync);
    const w = await t.exec('mkdir -p test-runs && echo done > test-runs/out.txt', { cwd: guest, timeoutMs: 30_000 });
    if (w.exitCode !== 0) throw new Error(`the artifact command over ${endpoint.host}: ${w.outcome} ${w.exitCode}`);
    const t3 = performance.now();
    await t.copyFromVM(`${guest}/test-runs`, pullInto);
    const pull = performance.now() - t3;
    s.pull.push(pull);
    s.perTest.push(start + sync + pull);
  } finally {
    await t.close();
  }
}
