#!/usr/bin/env node
// The vmwatch CLI. Sources are TypeScript, loaded through jiti (cached transpile, no build step).
import { createJiti } from 'jiti';

const jiti = createJiti(import.meta.url, { fsCache: true, moduleCache: true });
const { main } = await jiti.import(new URL('../src/cli/main.ts', import.meta.url).pathname);
process.exitCode = await main(process.argv.slice(2));
