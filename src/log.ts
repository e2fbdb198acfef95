import { mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import pino, { type Logger, type StreamEntry } from 'pino';
import type prettyModule from 'pino-pretty';
import { homePaths } from './paths.ts';

export type { Logger };

/** The full log rotates past this size; LOG_KEEP older files are kept (vmwatch.log.1 … .3). */
const LOG_MAX_BYTES = 5 * 1024 * 1024;
const LOG_KEEP = 3;

/** `~/.vmwatch/logs/vmwatch.log`, rotated at start when it has grown past LOG_MAX_BYTES. */
function logFilePath(): string {
  return homePaths.log();
}

function rotate(file: string): void {
  try {
    if (statSync(file).size < LOG_MAX_BYTES) return;
  } catch {
    return; // no log yet
  }
  for (let n = LOG_KEEP - 1; n >= 1; n--) {
    try {
      renameSync(`${file}.${n}`, `${file}.${n + 1}`);
    } catch {
      // that one does not exist
    }
  }
  renameSync(file, `${file}.1`);
}

/** The full JSON log, at debug level; null when it cannot be opened (the terminal still gets its lines). */
function fileStream(): StreamEntry | null {
  if (process.env.VMWATCH_LOG_FILE === '0') return null;
  try {
    const file = logFilePath();
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    rotate(file);
    return { level: 'debug', stream: pino.destination({ dest: file, append: true, sync: true, mode: 0o600 }) };
  } catch {
    return null;
  }
}

/**
 * One root logger for the process. On a terminal, vmwatch's own lines (results, the status area)
 * carry the story, so the log shows only warnings and errors there, one line each (VMWATCH_LOG
 * picks another level, e.g. debug for everything, with its fields). Off a terminal (CI, a pipe)
 * stderr gets JSON lines at VMWATCH_LOG (default info). Either way the whole log, at debug, goes
 * to ~/.vmwatch/logs/vmwatch.log (VMWATCH_LOG_FILE=0 turns that off). Each file takes a
 * `child({ module })`.
 */
function createRootLogger(): Logger {
  const onTerminal = process.stderr.isTTY === true && process.env.VMWATCH_LOG_JSON !== '1';
  const chosen = (process.env.VMWATCH_LOG ?? (onTerminal ? 'warn' : 'info')) as pino.LevelWithSilent;
  if (chosen === 'silent') return pino({ level: 'silent' });
  const level: pino.Level = chosen;
  const streams: StreamEntry[] = [];
  if (onTerminal) {
    const verbose = level === 'debug' || level === 'trace';
    // In this thread and through process.stderr.write, so the live status area can keep logs above it.
    // One record per write; pino-pretty leaves off the line end when it hides the fields.
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const text = chunk.toString();
        process.stderr.write(text.endsWith('\n') ? text : `${text}\n`, callback);
      },
    });
    // Loaded only for a terminal (about 30 modules a pipe or CI never needs).
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof prettyModule;
    const terminal = pretty({
      destination,
      colorize: true,
      ignore: 'pid,hostname,module',
      translateTime: 'HH:MM:ss',
      singleLine: true,
      hideObject: !verbose,
      sync: true,
    });
    streams.push({ level, stream: terminal });
  } else {
    streams.push({ level, stream: pino.destination({ fd: 2, sync: true }) });
  }
  const file = fileStream();
  if (file) streams.push(file);
  return pino({ level: file ? 'debug' : level, base: { pid: process.pid } }, pino.multistream(streams));
}

let root: Logger | undefined;

function rootLogger(): Logger {
  root ??= createRootLogger();
  return root;
}

export function logger(module: string): Logger {
  return rootLogger().child({ module });
}
