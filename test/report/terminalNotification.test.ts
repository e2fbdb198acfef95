import { describe, expect, it } from 'vitest';
import { describeNotificationPaths, sinkFor } from '../../src/report/notificationSinks.ts';
import {
  stripControl,
  terminalRoute,
  terminalRouteFor,
  terminalSequence,
  TerminalNotificationSink,
} from '../../src/report/terminalNotification.ts';
import type { Notification } from '../../src/report/types.ts';

const E = '\u001b';
const note: Notification = { kind: 'failure', title: 'vmwatch: 1 test failed', body: 'new: a' };

function tty(isTTY: boolean): { isTTY: boolean; written: string[]; write(chunk: string): boolean } {
  return {
    isTTY,
    written: [],
    write(chunk) {
      this.written.push(chunk);
      return true;
    },
  };
}

describe('terminalRoute', () => {
  it('tells the terminal from its environment, also inside tmux and over ssh', () => {
    expect(terminalRoute({ KITTY_WINDOW_ID: '1', TERM: 'xterm-kitty' })).toEqual({ osc: 'osc99', terminal: 'kitty', tmux: false });
    expect(terminalRoute({ TERM_PROGRAM: 'iTerm.app' })?.osc).toBe('osc9');
    expect(terminalRoute({ TERM_PROGRAM: 'tmux', TMUX: '/tmp/tmux-0/default,1,0', ITERM_SESSION_ID: 'w0t0p0:x' })).toEqual({
      osc: 'osc9',
      terminal: 'iTerm2',
      tmux: true,
    });
    expect(terminalRoute({ LC_TERMINAL: 'iTerm2', SSH_TTY: '/dev/pts/1' })?.terminal).toBe('iTerm2');
    expect(terminalRoute({ WT_SESSION: 'abc' })).toEqual({ osc: 'osc9', terminal: 'Windows Terminal', tmux: false });
    expect(terminalRoute({ VTE_VERSION: '7600', TERM: 'xterm-256color' })?.osc).toBe('osc777');
    expect(terminalRoute({ TERM_PROGRAM: 'WezTerm' })?.osc).toBe('osc777');
    expect(terminalRoute({ TERM: 'xterm-256color' })).toBeNull();
  });

  it("'auto' writes only in ssh or tmux sessions; true whenever the terminal is known; never without a TTY or with false", () => {
    const kitty = { KITTY_WINDOW_ID: '1' };
    expect(terminalRouteFor('auto', kitty, true)).toBeNull();
    expect(terminalRouteFor('auto', { ...kitty, SSH_CONNECTION: '1.2.3.4 5 6.7.8.9 22' }, true)?.osc).toBe('osc99');
    expect(terminalRouteFor('auto', { ...kitty, TMUX: '/tmp/t,1,0' }, true)?.tmux).toBe(true);
    expect(terminalRouteFor(true, kitty, true)?.osc).toBe('osc99');
    expect(terminalRouteFor(true, kitty, false)).toBeNull();
    expect(terminalRouteFor(false, { ...kitty, SSH_TTY: '/dev/pts/0' }, true)).toBeNull();
  });
});

describe('terminalSequence', () => {
  it('writes OSC 9, OSC 777 and OSC 99 as those terminals read them', () => {
    expect(terminalSequence(note, { osc: 'osc9', terminal: 'iTerm2', tmux: false })).toBe(`${E}]9;vmwatch: 1 test failed: new: a${E}\\`);
    expect(terminalSequence({ title: 'a;b', body: 'c;d' }, { osc: 'osc777', terminal: 'foot', tmux: false })).toBe(
      `${E}]777;notify;a,b;c;d${E}\\`,
    );
    expect(terminalSequence(note, { osc: 'osc99', terminal: 'kitty', tmux: false })).toBe(
      `${E}]99;i=1:d=0;vmwatch: 1 test failed${E}\\${E}]99;i=1:d=1:p=body;new: a${E}\\`,
    );
  });

  it('wraps it for tmux in DCS passthrough with every ESC doubled', () => {
    expect(terminalSequence(note, { osc: 'osc9', terminal: 'iTerm2', tmux: true })).toBe(
      `${E}Ptmux;${E}${E}]9;vmwatch: 1 test failed: new: a${E}${E}\\${E}\\`,
    );
  });

  it('strips control characters from title and body, so neither can end the sequence or send its own', () => {
    const hostile = { title: `t${E}\\${E}]0;title\u0007x`, body: `b\u009c\u0000\nc\u007f` };
    const sequence = terminalSequence(hostile, { osc: 'osc777', terminal: 'foot', tmux: false });
    expect(sequence).toBe(`${E}]777;notify;t \\ ]0,title x;b c${E}\\`);
    expect(stripControl('a\tb\r\nc')).toBe('a b c');
  });
});

describe('TerminalNotificationSink', () => {
  it('writes to a TTY only', async () => {
    const route = { osc: 'osc9' as const, terminal: 'iTerm2', tmux: false };
    const yes = tty(true);
    const no = tty(false);
    await new TerminalNotificationSink(route, yes).send(note);
    await new TerminalNotificationSink(route, no).send(note);
    expect(yes.written).toEqual([`${E}]9;vmwatch: 1 test failed: new: a${E}\\`]);
    expect(no.written).toEqual([]);
  });

  it('sinkFor adds it beside notify.command in an ssh session, and doctor says so', async () => {
    const out = tty(true);
    const host = { platform: 'linux' as const, env: { SSH_TTY: '/dev/pts/3', TMUX: '/tmp/t,1,0', VTE_VERSION: '7600' }, output: out };
    const config = { on: ['failure' as const], minIntervalMs: 0, command: 'true', terminal: 'auto' as const };
    await sinkFor(config, host).send(note);
    expect(out.written).toEqual([`${E}Ptmux;${E}${E}]777;notify;vmwatch: 1 test failed;new: a${E}${E}\\${E}\\`]);
    expect(describeNotificationPaths(config, host)).toEqual([
      'notify.command: true',
      "terminal: OSC 777 for a VTE terminal through tmux's passthrough (needs: set -g allow-passthrough on)",
    ]);
    const plain = tty(false);
    await sinkFor(config, { ...host, output: plain }).send(note);
    expect(plain.written).toEqual([]);
    expect(describeNotificationPaths(config, { ...host, output: plain })[1]).toBe(
      'terminal: none (notify.terminal: auto; stdout is not a terminal)',
    );
  });
});
