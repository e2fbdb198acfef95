import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MARK, parseMark, supervisedCommand } from '../../../src/transport/ssh/remoteCommand.ts';

describe('remote command', () => {
  it('refuses an environment name a shell could not hold', () => {
    expect(() => supervisedCommand('true', '/', { 'A-B': '1' })).toThrow(/not a valid environment variable name/);
  });

  it('runs under the supervisor locally too: marks on stderr, output on stdout, the exit code kept', async () => {
    const remote = supervisedCommand('echo "$X in $(pwd)"; echo oops >&2; exit 4', '/tmp', { X: 'hi' });
    // stdin stays open, as ssh's does: its end would mean "cancel".
    const child = spawn('/bin/sh', ['-c', remote], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(4);
    expect(stdout).toBe('hi in /tmp\noops\n');
    const marks = stderr.split('\n').filter(Boolean).map(parseMark);
    expect(marks[0]).toMatchObject({ kind: 'started' });
    expect(marks.at(-1)).toEqual({ kind: 'exit', code: 4 });
  });

  it('ends the command when its stdin ends (the host cancelled or went away)', async () => {
    const child = spawn('/bin/sh', ['-c', supervisedCommand('sleep 30; echo never', '/tmp')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    setTimeout(() => child.stdin.end(), 200);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(143);
    expect(stdout).toBe('');
  });

  it('parses only its own lines', () => {
    expect(parseMark(`${MARK}started 42`)).toEqual({ kind: 'started', pgid: 42 });
    expect(parseMark(`${MARK}error cannot enter the working folder /x: No such file`)).toEqual({
      kind: 'error',
      message: 'cannot enter the working folder /x: No such file',
    });
    expect(parseMark('ssh: connect to host x port 22: Connection refused')).toBeNull();
  });
});
