import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { whichTool } from '../process/tools.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * One way to show a desktop notification on macOS, in the order they are tried:
 * node-notifier's bundled terminal-notifier, a `terminal-notifier` on PATH (node-notifier's
 * `customPath`), then `osascript -e 'display notification …'`.
 */
export type MacRoute =
  | { kind: 'bundled'; path: string; why: string }
  | { kind: 'terminal-notifier'; path: string }
  | { kind: 'osascript'; path: string };

/** node-notifier 10's terminal-notifier: an x86_64-only Mach-O, so Apple Silicon runs it only through Rosetta. */
function bundledTerminalNotifier(): string {
  const pkg = createRequire(import.meta.url).resolve('node-notifier/package.json');
  return path.join(path.dirname(pkg), 'vendor/mac.noindex/terminal-notifier.app/Contents/MacOS/terminal-notifier');
}

/**
 * Whether this Mac can run an x86_64 program: yes on Intel (`uname -m` is x86_64); on Apple
 * Silicon only with Rosetta, checked by running `arch -x86_64 /usr/bin/true`.
 */
function canRunX86(env: Env): { ok: boolean; why: string } {
  const machine = runQuiet('uname', ['-m'], env);
  if (machine === null) return { ok: false, why: "'uname -m' failed" };
  if (machine.stdout === 'x86_64') return { ok: true, why: 'an Intel Mac' };
  if (machine.stdout !== 'arm64') return { ok: false, why: `a ${machine.stdout || 'unknown'} CPU` };
  const rosetta = runQuiet('arch', ['-x86_64', '/usr/bin/true'], env);
  return rosetta?.status === 0
    ? { ok: true, why: 'Apple Silicon with Rosetta' }
    : { ok: false, why: 'Apple Silicon without Rosetta (softwareupdate --install-rosetta would let it run)' };
}

/** The routes to try on this Mac, best first (empty only when even osascript is missing). */
export function macRoutes(options: { env: Env; bundledPath?: string }): MacRoute[] {
  const routes: MacRoute[] = [];
  const x86 = canRunX86(options.env);
  if (x86.ok) routes.push({ kind: 'bundled', path: options.bundledPath ?? bundledTerminalNotifier(), why: x86.why });
  const onPath = whichTool('terminal-notifier', options.env.PATH ?? '');
  if (onPath !== null) routes.push({ kind: 'terminal-notifier', path: onPath });
  const osascript = whichTool('osascript', options.env.PATH ?? '');
  if (osascript !== null) routes.push({ kind: 'osascript', path: osascript });
  return routes;
}

/** What `vmwatch doctor` says about a route. */
export function describeMacRoute(route: MacRoute): string {
  if (route.kind === 'bundled') return `node-notifier's bundled terminal-notifier (${route.why})`;
  if (route.kind === 'terminal-notifier') return `terminal-notifier on PATH (${route.path}) through node-notifier`;
  return `osascript 'display notification' (${route.path})`;
}

function runQuiet(file: string, args: string[], env: Env): { status: number | null; stdout: string } | null {
  const found = whichTool(file, env.PATH ?? '');
  if (found === null) return null;
  const r = spawnSync(found, args, {
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 5_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (r.error) return null;
  return { status: r.status, stdout: r.stdout.trim() };
}
