import { defineConfig } from './src/config/defineConfig.ts';

/**
 * vmwatch's own default config: the embedded demo app, so `npm run watch` shows the whole loop
 * with nothing else installed. Copy this file next to your app and point `root` at it.
 */
export default defineConfig({
  root: 'examples/demo-app',
  guestPath: '/mnt/chatstats/app',
  setup: ['npm ci --no-audit --no-fund'],
  watch: { ignore: ['node_modules/**', '**/__pycache__/**'] },
  discover: [
    // Runner adapters: each machine runs a batch of files in one runner process, with results per test case.
    { pattern: 'src/**/*.test.ts', runner: 'node-test', args: ['--import', 'tsx'] },
    { pattern: 'tests/test_*.py', runner: 'unittest' },
  ],
  tests: [
    {
      id: 'api-smoke',
      command: 'node --import tsx scripts/api-smoke.ts',
      files: ['scripts/api-smoke.ts'],
      covers: ['src/server.ts'],
      timeoutMs: 30_000,
    },
    {
      id: 'py-api-check',
      command: 'python3 scripts/py_api_check.py',
      files: ['scripts/py_api_check.py'],
      covers: ['shop/catalog.json'],
      timeoutMs: 30_000,
    },
    {
      id: 'write-report',
      command: 'node --import tsx scripts/write-report.ts',
      files: ['scripts/write-report.ts'],
      timeoutMs: 30_000,
    },
  ],
  triggers: {
    map: [
      // shop/prices.py reads catalog.json when imported: a data dependency no import shows.
      { files: ['shop/catalog.json'], tests: ['tests/test_prices.py', 'tests/test_cart.py', 'tests/test_receipt.py'] },
    ],
  },
  pool: { size: 3 },
});
