import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export interface CommonFlags {
  config?: string;
  json: boolean;
  since?: string;
  all: boolean;
  tests?: string[];
  help: boolean;
  /** `doctor --notify`: send a test notification. */
  notify: boolean;
}

/** Flags shared by the commands; an unknown flag is a usage error (exit 2). */
export function parseFlags(argv: string[]): { flags: CommonFlags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean', default: false },
        since: { type: 'string' },
        all: { type: 'boolean', default: false },
        tests: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        notify: { type: 'boolean', default: false },
      },
    });
    return {
      flags: {
        ...(values.config === undefined ? {} : { config: values.config }),
        ...(values.since === undefined ? {} : { since: values.since }),
        ...(values.tests === undefined
          ? {}
          : {
              tests: values.tests
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            }),
        json: values.json ?? false,
        all: values.all ?? false,
        help: values.help ?? false,
        notify: values.notify ?? false,
      },
      positionals,
    };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. Run 'vmwatch --help' for usage.`);
  }
}

export const USAGE = `vmwatch — runs exactly the tests a change affects, each in a clean machine from a warm pool.

Usage:
  vmwatch watch    [--config F]                       watch the app and run affected tests on every change
  vmwatch run      [--config F] [--since REV] [--all] [--tests ID,...] [--json]
                                                      select, run and report once (exit 0 passed, 1 failed, 2 usage/config)
  vmwatch select   [--config F] [--since REV] [--json] print the plan only; nothing runs
  vmwatch why      TEST_ID [--config F] [--since REV] [--json]
                                                      why the current changes run a test (the shortest import chain), or why not
  vmwatch snapshot build|update|status [--config F]   make or check the machines' snapshot
  vmwatch pool     status|destroy [--config F]         show or remove the pool's machines
  vmwatch doctor   [--config F] [--notify]            check tools, snapshot, disk and notifications
                                                      (--notify sends a test notification)
  vmwatch ui       [--config F]                       the running watch's dashboard URL (opened on a terminal)
  vmwatch mcp      [--config F]                       an MCP server on stdio for the running watch (for coding agents)

In a terminal, watch takes keys: a run all, f rerun failed, Enter rerun the last selection, p filter, u dashboard, w keys, q quit.
Config: watch.config.ts (or .mts/.mjs/.js/.json, or a short-form config.json) in the current folder.
Logs go to stderr (VMWATCH_LOG=debug for more); --json prints one JSON document on stdout.`;
