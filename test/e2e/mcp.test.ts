import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLI, createDemoProject, summaries, type DemoProject } from '../helpers/demoProject.ts';
import { runCli, startCli, type CliProcess } from '../helpers/cliProcess.ts';
import { waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

const unavailable = sandboxUnavailable();
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the MCP e2e test: ${unavailable}`);

interface AgentResults {
  runId: string;
  failures: Array<{ id: string; status: string; failedCases: Array<{ name: string; message?: string }> }>;
  passedTests: string[];
}

describe.skipIf(unavailable !== null)('vmwatch mcp: the SDK client over stdio against a running watch', () => {
  let demo: DemoProject;
  let home: string;
  let watch: CliProcess;
  let client: Client;

  const call = async <T>(name: string, args: Record<string, unknown> = {}): Promise<T> => {
    const answer = (await client.callTool({ name, arguments: args })) as { content: Array<{ text: string }>; isError?: boolean };
    if (answer.isError) throw new Error(answer.content[0]!.text);
    return JSON.parse(answer.content[0]!.text) as T;
  };

  beforeAll(async () => {
    home = inject('demoHome');
    demo = createDemoProject({ pool: 'e2e-mcp', overrides: { pool: { name: 'e2e-mcp', snapshot: 'vmwatch-e2e-demo-ready', size: 2 } } });
    // Without a watch, mcp says so and starts nothing.
    const alone = await runCli(['mcp', '--config', demo.configFile], { env: { VMWATCH_HOME: home } });
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain(`no 'vmwatch watch' is running for pool "e2e-mcp"`);
    watch = startCli(['watch', '--config', demo.configFile], { env: { VMWATCH_HOME: home } });
    await watch.waitFor(/vmwatch: dashboard http/, { timeoutMs: 120_000 });
    client = new Client({ name: 'vmwatch-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'mcp', '--config', demo.configFile],
        env: { ...(process.env as Record<string, string>), VMWATCH_HOME: home, VMWATCH_LOG_FILE: '0' },
        stderr: 'pipe',
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    if (watch && watch.child.exitCode === null) {
      watch.child.kill('SIGINT');
      await watch.exited;
    }
    demo?.cleanup();
  });

  it('lists its tools, each described and with an input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'cancel',
      'get_results',
      'list_artifacts',
      'read_artifact',
      'run_tests',
      'status',
      'why',
    ]);
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(40);
      expect(t.inputSchema.type).toBe('object');
    }
    const status = await call<{ machines: unknown[] }>('status');
    expect(status.machines).toHaveLength(2);
  });

  it('a change runs its tests; get_results names the failing case and its message; why explains it; run_tests reruns', async () => {
    const prices = path.join(demo.app, 'shop/prices.py');
    writeFileSync(prices, readFileSync(prices, 'utf8').replace('symbol: str = "€"', 'symbol: str = "$"'));
    await waitFor(() => summaries(demo.runs).length >= 1 || null, 90_000, 'the run of the change');
    const results = await call<AgentResults>('get_results');
    const pricesTest = results.failures.find((f) => f.id === 'tests/test_prices.py');
    expect(pricesTest, JSON.stringify(results)).toBeDefined();
    expect(pricesTest!.failedCases.map((c) => c.name).join('\n')).toMatch(/test_format_cents/);
    expect(pricesTest!.failedCases[0]!.message).toMatch(/\$1,234\.50/);
    const why = await call<{ selected: boolean; reasons: string[] }>('why', { testId: 'tests/test_prices.py' });
    expect(why.selected).toBe(true);
    const files = await call<string[]>('list_artifacts', { runId: results.runId, testId: 'tests/test_prices.py' });
    expect(files).toContain('output.log');
    // The tail of a file, fetched as a range (never the whole file), and no way out of the test's folder.
    const part = await call<{ text: string; truncated?: string }>('read_artifact', {
      runId: results.runId,
      testId: 'tests/test_prices.py',
      path: 'output.log',
      maxBytes: 64,
    });
    expect(Buffer.byteLength(part.text)).toBeLessThanOrEqual(64);
    expect(part.truncated).toMatch(/^first \d+ bytes left out$/);
    await expect(
      call('read_artifact', { runId: results.runId, testId: 'tests/test_prices.py', path: '../../../../state', maxBytes: 64 }),
    ).rejects.toThrow(/not a path list_artifacts gives/);
    const again = await call<AgentResults>('run_tests', { tests: ['tests/test_cart.py'] });
    expect(again.runId > results.runId).toBe(true);
    expect(again.passedTests).toEqual(['tests/test_cart.py']);
    await expect(call('run_tests', {})).rejects.toThrow(/say what to run/);
  }, 180_000);
});
