import type { ResolvedConfig } from '../config/types.ts';
import { CommandSink } from './commandSink.ts';
import { DesktopSink } from './desktopSink.ts';
import { describeMacRoute } from './macNotifierRoutes.ts';
import { TerminalNotificationSink, terminalRouteFor, type TerminalOutput, type TerminalRoute } from './terminalNotification.ts';
import type { Notification, NotificationSink } from './types.ts';

export type NotifyConfig = ResolvedConfig['notify'];

/** What decides the notification path: the platform, the environment, where terminal sequences go. Tests pass their own. */
export interface NotifyHost {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  output: TerminalOutput;
}

function currentHost(): NotifyHost {
  return { platform: process.platform, env: process.env, output: process.stdout };
}

/** Sends to every sink; fails with the first failure once all have been tried. */
class AllSinks implements NotificationSink {
  constructor(readonly sinks: NotificationSink[]) {}

  async send(notification: Notification): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((sink) => sink.send(notification)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

function terminalRouteOf(config: NotifyConfig, host: NotifyHost): TerminalRoute | null {
  if (config === false) return null;
  return terminalRouteFor(config.terminal ?? 'auto', host.env, host.output.isTTY === true);
}

/**
 * The sink a config asks for: `notify.command` when set, else the desktop; plus a terminal
 * notification (OSC 9/777/99) when `notify.terminal` wants one here.
 */
export function sinkFor(config: NotifyConfig, host: NotifyHost = currentHost()): NotificationSink {
  const main =
    config !== false && config.command !== undefined
      ? new CommandSink(config.command)
      : new DesktopSink({ platform: host.platform, env: host.env });
  const route = terminalRouteOf(config, host);
  return route === null ? main : new AllSinks([main, new TerminalNotificationSink(route, host.output)]);
}

/** For `vmwatch doctor`: each way a notification will go, in words. */
export function describeNotificationPaths(config: NotifyConfig, host: NotifyHost = currentHost()): string[] {
  if (config === false) return ['none (notify: false)'];
  const paths: string[] = [];
  if (config.command !== undefined) paths.push(`notify.command: ${config.command}`);
  else if (host.platform === 'darwin') {
    const routes = new DesktopSink({ platform: host.platform, env: host.env }).macRoutes();
    paths.push(
      routes.length === 0
        ? 'desktop: none found (no runnable terminal-notifier, no osascript)'
        : `desktop: ${routes.map(describeMacRoute).join(', then ')}`,
    );
  } else
    paths.push(
      `desktop: node-notifier (` +
        `${host.platform === 'linux' ? 'notify-send, needs libnotify-bin and a notification daemon' : host.platform})`,
    );
  const route = terminalRouteOf(config, host);
  const setting = config.terminal ?? 'auto';
  if (route !== null)
    paths.push(
      `terminal: ${route.osc.toUpperCase().replace('OSC', 'OSC ')} for ${route.terminal}` +
        (route.tmux ? " through tmux's passthrough (needs: set -g allow-passthrough on)" : ''),
    );
  else if (setting !== false)
    paths.push(
      `terminal: none (notify.terminal: ${String(setting)}; ` +
        (host.output.isTTY === true
          ? setting === 'auto'
            ? 'used only in ssh or tmux sessions with a known terminal'
            : 'terminal not recognised'
          : 'stdout is not a terminal') +
        ')',
    );
  return paths;
}
