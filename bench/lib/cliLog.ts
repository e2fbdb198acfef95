import { startCli, type CliProcess } from '../../test/helpers/cliProcess.ts';

/** One JSON log line of the CLI (pino). */
export type LogLine = Record<string, unknown> & { msg?: string; time?: number };

export interface LoggedCli {
  cli: CliProcess;
  lines: LogLine[];
  /** The first line at or after `from` that `pred` accepts. */
  waitLine(from: number, pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<{ line: LogLine; index: number }>;
  stop(): Promise<void>;
}

/** The real `vmwatch` CLI with debug JSON logs parsed as they come, for benchmarks that read its timings. */
export function startLoggedCli(args: string[], env: Record<string, string>): LoggedCli {
  const cli = startCli(args, { env: { VMWATCH_LOG: 'debug', VMWATCH_LOG_JSON: '1', ...env } });
  const lines: LogLine[] = [];
  let partial = '';
  cli.child.stderr!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  return {
    cli,
    lines,
    waitLine: async (from, pred, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (let i = from; i < lines.length; i++) if (pred(lines[i]!)) return { line: lines[i]!, index: i };
        if (cli.child.exitCode !== null) throw new Error(`vmwatch exited early:\n${cli.stderr().slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for a log line:\n${cli.stderr().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    stop: async () => {
      if (cli.child.exitCode === null) cli.child.kill('SIGINT');
      await cli.exited;
    },
  };
}

export const isRunStart = (l: LogLine): boolean => typeof l.msg === 'string' && l.msg.startsWith('run ') && typeof l.tests === 'number';
