#!/usr/bin/env node
// Lists every tracked source line longer than MAX_COLUMNS characters; exits 1 if there is any.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MAX_COLUMNS = 140;
const FOLDERS = ['src', 'test', 'bench', 'bin'];
const EXTENSIONS = ['.ts', '.mts', '.mjs', '.js'];
const EXCLUDED = 'test/fixtures/select/';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
const tracked = execFileSync('git', ['ls-files', '-z', '--', ...FOLDERS], { cwd: root, encoding: 'utf8' }).split('\0');
const files = tracked.filter((file) => file !== '' && EXTENSIONS.some((ext) => file.endsWith(ext)) && !file.startsWith(EXCLUDED));

let offenders = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(path.join(root, file), 'utf8');
  } catch {
    continue; // tracked but deleted in the work tree
  }
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const length = line.replace(/\r$/, '').length;
    if (length > MAX_COLUMNS) {
      console.log(`${file}:${index + 1}: ${length} chars`);
      offenders += 1;
    }
  }
}
process.exitCode = offenders > 0 ? 1 : 0;
