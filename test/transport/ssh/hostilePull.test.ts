import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshTransport } from '../../../src/transport/ssh/SshTransport.ts';
import { sshdUnavailable } from '../../helpers/sshd.ts';
import { sshTestBed, type SshTestBed } from './sshTestBed.ts';

describe.skipIf(sshdUnavailable() !== null)('SshTransport against a hostile machine: links and floods of output', () => {
  let bed: SshTestBed;
  let vm: SshTransport;

  beforeAll(async () => {
    bed = await sshTestBed();
    vm = bed.transport();
  });
  afterAll(async () => {
    await bed?.cleanup();
  });

  it('links out of the pulled folder are not copied and are listed; links inside stay links', async () => {
    const guest = mkdtempSync(path.join(bed.guestPath, 'runs-'));
    mkdirSync(path.join(guest, 'sub'));
    writeFileSync(path.join(guest, 'ok.txt'), 'ok\n');
    symlinkSync('/etc/shadow', path.join(guest, 'shadow'));
    symlinkSync('../../x', path.join(guest, 'sub', 'rel'));
    symlinkSync('ok.txt', path.join(guest, 'inside'));
    const out = mkdtempSync(path.join(bed.home, 'pulled-'));
    const report = await vm.copyFromVM(guest, out);
    expect(report.droppedLinks.sort()).toEqual(['shadow -> /etc/shadow', 'sub/rel -> ../../x']);
    expect(readdirSync(out).sort()).toEqual(['inside', 'ok.txt', 'sub']);
    expect(readdirSync(path.join(out, 'sub'))).toEqual([]);
    expect(readlinkSync(path.join(out, 'inside'))).toBe('ok.txt');
  });

  it('a pulled folder that is itself a link copies nothing, and says so', async () => {
    const secret = mkdtempSync(path.join(bed.home, 'secret-'));
    writeFileSync(path.join(secret, 'id_rsa'), 'PRIVATE KEY\n');
    const link = path.join(bed.guestPath, `linked-${path.basename(secret)}`);
    symlinkSync(secret, link);
    const out = mkdtempSync(path.join(bed.home, 'pulled-'));
    const report = await vm.copyFromVM(link, out);
    expect(report.sourceIsLink).toMatch(/is a symlink in the machine .*nothing was copied/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('50 MB of output into a capped log: exit 0 kept, the log within the cap with the dropped-bytes line', async () => {
    const logFile = path.join(bed.home, 'flood.log');
    writeFileSync(logFile, '');
    const maxBytes = 1024 * 1024;
    const before = process.memoryUsage().rss;
    const r = await vm.exec('echo FIRST; head -c 50000000 /dev/zero | tr "\\0" x; echo; echo LAST; exit 0', {
      logFile,
      logMaxBytes: maxBytes,
    });
    expect([r.outcome, r.exitCode]).toEqual(['exited', 0]);
    expect(statSync(logFile).size).toBeLessThan(maxBytes + 4096);
    const log = readFileSync(logFile, 'utf8');
    expect(log.startsWith('FIRST\n')).toBe(true);
    expect(log.endsWith('LAST\n')).toBe(true);
    expect(log).toMatch(/\[vmwatch: \d+ bytes of output dropped here/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});
