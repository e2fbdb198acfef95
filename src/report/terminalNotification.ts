import type { Notification, NotificationSink } from './types.ts';

/** Which escape sequence a terminal shows as a notification. */
type OscKind = 'osc9' | 'osc777' | 'osc99';

/** How a terminal notification will be written: the sequence, the terminal it was chosen for, and whether tmux wraps it. */
export interface TerminalRoute {
  osc: OscKind;
  terminal: string;
  tmux: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The terminal's notification sequence, from what its environment says (null when unknown).
 * Inside tmux TERM_PROGRAM names tmux, so the outer terminal is told by the variables it exported
 * before tmux started (KITTY_WINDOW_ID, ITERM_SESSION_ID, WT_SESSION, VTE_VERSION); over ssh, iTerm2
 * sends LC_TERMINAL.
 */
export function terminalRoute(env: Env): TerminalRoute | null {
  const tmux = Boolean(env.TMUX);
  const program = env.TERM_PROGRAM ?? '';
  const term = env.TERM ?? '';
  const found = (osc: OscKind, terminal: string): TerminalRoute => ({ osc, terminal, tmux });
  if (env.KITTY_WINDOW_ID || term === 'xterm-kitty') return found('osc99', 'kitty');
  if (program === 'iTerm.app' || env.ITERM_SESSION_ID || env.LC_TERMINAL === 'iTerm2') return found('osc9', 'iTerm2');
  if (program === 'ghostty' || term === 'xterm-ghostty') return found('osc9', 'Ghostty');
  if (program === 'WezTerm') return found('osc777', 'WezTerm');
  if (env.WT_SESSION) return found('osc9', 'Windows Terminal');
  if (term === 'foot' || term.startsWith('foot-')) return found('osc777', 'foot');
  if (term.startsWith('rxvt-unicode')) return found('osc777', 'urxvt');
  if (env.VTE_VERSION) return found('osc777', 'a VTE terminal');
  return null;
}

/** Whether this is a session where a desktop notification cannot reach the user's screen: ssh or tmux. */
function isRemoteOrTmux(env: Env): boolean {
  return Boolean(env.SSH_CONNECTION || env.SSH_TTY || env.SSH_CLIENT || env.TMUX);
}

/** Control characters (C0, DEL, C1) would end or corrupt the sequence; they become spaces. */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

const ESC = '\u001b';
const ST = `${ESC}\\`;

/** The bytes that show `notification` on a terminal of `route`. */
export function terminalSequence(notification: Pick<Notification, 'title' | 'body'>, route: TerminalRoute): string {
  const title = stripControl(notification.title);
  const body = stripControl(notification.body);
  let sequence: string;
  if (route.osc === 'osc99') {
    // kitty: the title, then the body (p=body) of notification i=1, shown when d=1.
    sequence = `${ESC}]99;i=1:d=0;${title}${ST}${ESC}]99;i=1:d=1:p=body;${body}${ST}`;
  } else if (route.osc === 'osc777') {
    // `;` separates title from body, so none in the title.
    sequence = `${ESC}]777;notify;${title.replaceAll(';', ',')};${body}${ST}`;
  } else {
    sequence = `${ESC}]9;${title}: ${body}${ST}`;
  }
  return route.tmux ? tmuxPassthrough(sequence) : sequence;
}

/** tmux passes a sequence on to the outer terminal inside DCS `tmux;`, every ESC doubled (needs `set -g allow-passthrough on`). */
function tmuxPassthrough(sequence: string): string {
  return `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ST}`;
}

export interface TerminalOutput {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

/** Writes a notification sequence to a terminal. Writes nothing when the output is not a TTY. */
export class TerminalNotificationSink implements NotificationSink {
  readonly #route: TerminalRoute;
  readonly #output: TerminalOutput;

  constructor(route: TerminalRoute, output: TerminalOutput = process.stdout) {
    this.#route = route;
    this.#output = output;
  }

  async send(notification: Notification): Promise<void> {
    if (this.#output.isTTY !== true) return;
    this.#output.write(terminalSequence(notification, this.#route));
  }
}

/**
 * The terminal route `notify.terminal` asks for here, or null: `false` never; `true` whenever the
 * terminal is known; `'auto'` only in ssh or tmux sessions, where a desktop notification cannot
 * reach the screen. Never when stdout is not a TTY.
 */
export function terminalRouteFor(setting: 'auto' | boolean, env: Env, isTTY: boolean): TerminalRoute | null {
  if (setting === false || !isTTY) return null;
  if (setting === 'auto' && !isRemoteOrTmux(env)) return null;
  return terminalRoute(env);
}
