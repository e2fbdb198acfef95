import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { requireOrSkip } from './requireOrSkip.ts';

/** Null when tmux can drive a pseudo-terminal here, else why not (print it; never skip silently). */
export function tmuxUnavailable(): string | null {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return requireOrSkip(
    'pseudo-terminal tests',
    r.status === 0 ? null : 'tmux is not installed (apt-get install tmux): the pseudo-terminal tests need it',
  );
}

export interface TmuxTerminal {
  /** The visible screen, as text. */
  screen(): string;
  /** Type keys (tmux send-keys names: 'Enter', 'C-c', or literal text with literal: true). */
  keys(keys: string, options?: { literal?: boolean }): void;
  waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Whether the command in the pane has exited (the pane is kept, marked dead). */
  exited(): boolean;
  kill(): void;
}

/** Runs `command` in a detached tmux session of its own (private server socket) on a real pty. */
export function startTmux(
  command: string,
  options: { env?: Record<string, string>; cwd?: string; width?: number; height?: number } = {},
): TmuxTerminal {
  const socket = `vmwatch-test-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const envArgs = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(options.width ?? 160),
    '-y',
    String(options.height ?? 50),
    ...(options.cwd ? ['-c', options.cwd] : []),
    ...envArgs,
    command,
  );
  tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'main');
  return {
    screen,
    keys: (keys, o = {}) => void tmux('send-keys', '-t', 'main', ...(o.literal ? ['-l'] : []), keys),
    exited: () => tmux('display-message', '-p', '-t', 'main', '#{pane_dead}').trim() === '1',
    waitForScreen: async (pattern, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on the terminal:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}
