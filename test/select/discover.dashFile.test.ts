import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { commandAdapter } from '../../src/runners/command.ts';
import { discoverTests } from '../../src/select/discover.ts';
import { RunnerMachine } from '../helpers/runnerMachine.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

const FILES = {
  '--version.test.js': "import { it } from 'node:test';\nit('is a test file, not an option', () => {});\n",
  'plain.test.js': "import { it } from 'node:test';\nit('plain', () => {});\n",
};

describe.skipIf(sandboxUnavailable() !== null)(
  'a discovered file whose name starts with "-" stays a file (real node --test in a sandbox)',
  () => {
    let machine: RunnerMachine;
    beforeAll(async () => {
      machine = new RunnerMachine(FILES);
      await machine.start();
    });
    afterAll(async () => machine.stop());

    const config = configSchema.parse({ root: '.', discover: [{ pattern: '**/*.test.js', command: 'node --test {file}' }] });

    it('the discovered command names ./--version.test.js, and it runs and passes', async () => {
      const [dashed, plain] = discoverTests(config, Object.keys(FILES));
      expect(dashed?.command).toBe('node --test ./--version.test.js');
      expect(plain?.command).toBe('node --test plain.test.js');
      const r = await machine.exec(dashed!.command);
      expect(r.output).not.toMatch(/bad option/);
      expect(r.output).toMatch(/# pass 1/);
      expect(r.exitCode).toBe(0);
    });

    it('the command runner fills {file} the same way', async () => {
      const run = await machine.run(commandAdapter, { runner: 'command', command: 'node --test {file}' }, ['--version.test.js']);
      expect(run.command).toBe('node --test ./--version.test.js');
      expect(run.exitCode).toBe(0);
    });
  },
);
