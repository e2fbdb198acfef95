#!/usr/bin/env node
// Runs a TypeScript entry point of this package through jiti (no build step).
import { createJiti } from 'jiti';
import path from 'node:path';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts.mjs FILE.ts [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
const jiti = createJiti(import.meta.url, { fsCache: true, moduleCache: true });
await jiti.import(path.resolve(entry));
