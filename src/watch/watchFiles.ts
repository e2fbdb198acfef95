import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';

/** Never watched: version control, dependencies, our own state and outputs (watching them loops). */
export const ALWAYS_IGNORED = ['.git', 'node_modules', '.venv', '.vmwatch', '__pycache__'];

export interface WatchFilesOptions {
  root: string;
  include: string[];
  ignore: string[];
  /** Host folders we write into (artifacts), ignored when they lie under root. */
  outputs: string[];
  onChange: (file: string) => void;
  onError?: (err: unknown) => void;
}

/**
 * chokidar on `root`, filtered with picomatch (chokidar 5 has no globs). Reports root-relative
 * posix paths of files added, changed or removed. Resolves once the initial scan is done.
 */
export async function watchFiles(options: WatchFilesOptions): Promise<FSWatcher> {
  const include = picomatch(options.include, { dot: true });
  const ignore = picomatch(options.ignore.length > 0 ? options.ignore : ['\0'], { dot: true });
  const outputs = options.outputs
    .map((o) => path.relative(options.root, o))
    .filter((rel) => rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel))
    .map((rel) => rel.split(path.sep).join('/'));
  const relOf = (abs: string): string => path.relative(options.root, abs).split(path.sep).join('/');
  const ignoredDir = (rel: string): boolean =>
    rel.split('/').some((part) => ALWAYS_IGNORED.includes(part)) || outputs.some((o) => rel === o || rel.startsWith(`${o}/`));

  const watcher = watch(options.root, {
    ignoreInitial: true,
    persistent: true,
    ignored: (abs: string, stats?: { isFile(): boolean }) => {
      const rel = relOf(abs);
      if (rel === '' ) return false;
      if (ignoredDir(rel) || ignore(rel)) return true;
      return stats?.isFile() === true && !include(rel);
    },
  });
  const report = (abs: string): void => {
    const rel = relOf(abs);
    if (!ignoredDir(rel) && include(rel) && !ignore(rel)) options.onChange(rel);
  };
  watcher.on('add', report).on('change', report).on('unlink', report);
  watcher.on('error', (err) => options.onError?.(err));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return watcher;
}
