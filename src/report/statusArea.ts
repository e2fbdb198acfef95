import path from 'node:path';
import { formatDuration, formatRunSummary } from './terminal.ts';
import type { RunSummary } from './types.ts';
import { shownText } from './shownText.ts';

interface RunningTest {
  id: string;
  vm: string | null;
  startedAt: number;
  /** From the history of earlier runs, when known. */
  expectedMs?: number;
}

/** Everything the live status area shows (watch mode on a TTY). */
export interface LiveState {
  machines: Array<{ name: string; state: string; readiness?: 'warm' | 'warming' | 'cold'; error?: string }>;
  queued: string[];
  running: RunningTest[];
  lastRun: RunSummary | null;
  filter: string | null;
  /** The `p` prompt's text while it is open. */
  prompt: string | null;
  help: string[];
  showHelp: boolean;
  now: number;
  cwd: string;
}

const MAX_LISTED = 6;

const SYMBOL: Record<string, string> = { ready: '○', running: '●', cleaning: '◌', starting: '…', failed: '✗' };

function list(ids: string[]): string {
  const shown = ids.slice(0, MAX_LISTED).join(', ');
  return ids.length > MAX_LISTED ? `${shown} and ${ids.length - MAX_LISTED} more` : shown;
}

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return r.startsWith('..') || path.isAbsolute(r) ? file : r;
}

/** The lines of the status area, top to bottom. Pure. */
function describeMachine(m: LiveState['machines'][number]): string {
  const readiness = m.readiness === undefined ? '' : ` ${m.readiness}`;
  return `${SYMBOL[m.state] ?? '?'} ${m.name} ${m.state}${readiness}${m.error ? ` (${m.error})` : ''}`;
}

export function renderStatusArea(s: LiveState, options: { color?: boolean } = {}): string[] {
  const dim = (t: string): string => (options.color ? `\x1b[2m${t}\x1b[22m` : t);
  const lines: string[] = [dim('─'.repeat(40))];
  lines.push(`machines  ${s.machines.map(describeMachine).join('  ') || 'none'}`);
  for (const t of s.running) {
    const elapsed = formatDuration(s.now - t.startedAt);
    lines.push(
      `  running ${shownText(t.id)}  ${elapsed}` +
        (t.expectedMs === undefined ? '' : ` / ~${formatDuration(t.expectedMs)}`) +
        (t.vm ? dim(`  [${t.vm}]`) : ''),
    );
  }
  if (s.queued.length > 0) lines.push(`queue     ${s.queued.length} waiting: ${list(s.queued)}`);
  if (s.lastRun) {
    lines.push(
      `last run  ${formatRunSummary(s.lastRun, { cwd: s.cwd, ...(options.color === undefined ? {} : { color: options.color }) })}`,
    );
    const bad = s.lastRun.tests.filter((t) => t.status !== 'passed' && t.status !== 'cancelled');
    for (const t of bad.slice(0, MAX_LISTED))
      lines.push(`  ${t.status.padEnd(8)} ${shownText(t.id)} → ${rel(path.join(t.artifactsDir, 'output.log'), s.cwd)}`);
    if (bad.length > MAX_LISTED) lines.push(`  and ${bad.length - MAX_LISTED} more in summary.json`);
  }
  if (s.filter) lines.push(`filter    only tests matching "${s.filter}" (p to change, p then Enter to clear)`);
  if (s.prompt !== null) lines.push(`pattern › ${s.prompt}▏ ${dim('(Enter to apply, Esc to cancel)')}`);
  else if (s.showHelp) for (const h of s.help) lines.push(dim(`  press ${h}`));
  else lines.push(dim(`press w to show keys, q to quit`));
  return lines;
}
