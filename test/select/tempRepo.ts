import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway folder in os.tmpdir(), optionally a git repository with a local identity. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  write(file: string, text?: string): void;
  remove(file: string): void;
  commitAll(message: string): void;
  cleanup(): void;
}

export function createTempDir(prefix = 'vmwatch-select-'): TempRepo {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
  return {
    dir,
    git,
    write(file, text = `// ${file}\n`) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    },
    remove(file) {
      unlinkSync(path.join(dir, file));
    },
    commitAll(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function createTempRepo(): TempRepo {
  const repo = createTempDir('vmwatch-git-');
  repo.git('init', '-q', '-b', 'main');
  repo.git('config', 'user.name', 'vmwatch test');
  repo.git('config', 'user.email', 'test@vmwatch.invalid');
  repo.git('config', 'commit.gpgsign', 'false');
  return repo;
}
