import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * One root logger for the process, writing to stderr: pretty when stderr is a TTY, JSON lines
 * otherwise. Each file takes a `child({ module })`. Level from VMWATCH_LOG (default info).
 */
function createRootLogger(): Logger {
  const level = process.env.VMWATCH_LOG ?? 'info';
  if (process.stderr.isTTY && process.env.VMWATCH_LOG_JSON !== '1') {
    // In this thread and through process.stderr.write, so the live status area can keep logs above it.
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        process.stderr.write(chunk, callback);
      },
    });
    return pino({ level }, pretty({ destination, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss', sync: true }));
  }
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}

let root: Logger | undefined;

export function rootLogger(): Logger {
  root ??= createRootLogger();
  return root;
}

export function logger(module: string): Logger {
  return rootLogger().child({ module });
}
