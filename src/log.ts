import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One root logger for the process, writing to stderr: pretty when stderr is a TTY, JSON lines
 * otherwise. Each file takes a `child({ module })`. Level from VMWATCH_LOG (default info).
 */
function createRootLogger(): Logger {
  const level = process.env.VMWATCH_LOG ?? 'info';
  if (process.stderr.isTTY && process.env.VMWATCH_LOG_JSON !== '1') {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' },
      },
    });
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
