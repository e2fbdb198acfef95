import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { RunSummary } from '../report/types.ts';
import type { DaemonClient } from './DaemonClient.ts';
import { resultsForAgent } from './results.ts';

type RunItem = { runId: string };
const json = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }] });
const failure = (err: unknown) => ({ content: [{ type: 'text' as const, text: (err as Error).message }], isError: true });
const enc = encodeURIComponent;

/** Newest finished run newer than `after` (run ids sort by time), polled until `timeoutMs`. */
async function nextRun(client: DaemonClient, after: string | undefined, timeoutMs: number): Promise<RunSummary | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [newest] = await client.get<RunItem[]>('/api/runs');
    if (newest !== undefined && (after === undefined || newest.runId > after))
      return client.get<RunSummary>(`/api/runs/${enc(newest.runId)}`);
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The MCP tools over a running watch's API: what an agent needs to run tests and read why they failed. */
export function mcpServer(client: DaemonClient, version: string): McpServer {
  const server = new McpServer({ name: 'vmwatch', version });
  const tool = <S extends z.ZodRawShape>(
    name: string,
    description: string,
    inputSchema: S,
    run: (args: z.infer<z.ZodObject<S>>) => Promise<unknown>,
  ) =>
    server.registerTool(name, { description, inputSchema }, (async (args: unknown) => {
      try {
        return json(await run(args as z.infer<z.ZodObject<S>>));
      } catch (err) {
        return failure(err);
      }
      // The SDK's callback type is generic over the schema; the handler checks nothing more itself.
    }) as never);

  tool(
    'status',
    'What the vmwatch daemon is doing now: its machines (state, warm or cold), the queued and running ' +
      'tests with elapsed and expected times, and the last run. Call it before run_tests to see whether a ' +
      'run is already going.',
    {},
    () => client.get('/api/state'),
  );

  tool(
    'run_tests',
    'Run tests in clean, isolated machines: all of them, the ones failing now, or named test ids (ids as ' +
      'get_results and status show them, e.g. "src/a.test.ts"). By default waits for the run and returns ' +
      'its results, failures first with the failing cases and their messages; with wait: false returns at ' +
      'once (read them later with get_results).',
    {
      all: z.boolean().optional().describe('run every test'),
      failed: z.boolean().optional().describe('rerun the tests failing now (only their failed cases where the runner can filter)'),
      tests: z.array(z.string()).optional().describe('test ids to run'),
      wait: z.boolean().default(true).describe('wait for the results (default true)'),
      timeoutMs: z.number().int().min(1000).max(3_600_000).default(600_000).describe('how long to wait (default 10 minutes)'),
    },
    async (a) => {
      const request = a.all ? { all: true } : a.failed ? { failed: true } : a.tests && a.tests.length > 0 ? { tests: a.tests } : null;
      if (request === null) throw new Error('say what to run: all: true, failed: true, or tests: ["<test id>", ...]');
      const [before] = await client.get<RunItem[]>('/api/runs');
      const submitted = await client.post<{ submitted: number }>('/api/run', request);
      if (!a.wait) return { ...submitted, note: 'submitted; get_results gives the results when the run ends' };
      const summary = await nextRun(client, before?.runId, a.timeoutMs);
      return summary === null
        ? { ...submitted, note: `no result within ${a.timeoutMs} ms; see status and get_results` }
        : resultsForAgent(summary);
    },
  );

  tool(
    'get_results',
    "A run's results (the latest finished run unless runId is given): counts, then the tests that did " +
      'not pass, each with its failing cases and their messages, then the ids that passed.',
    { runId: z.string().optional().describe('a run id from get_results or status; default: the latest') },
    async ({ runId }) => {
      const id = runId ?? (await client.get<RunItem[]>('/api/runs'))[0]?.runId;
      if (id === undefined) throw new Error('no run has finished yet');
      return resultsForAgent(await client.get<RunSummary>(`/api/runs/${enc(id)}`));
    },
  );

  tool(
    'why',
    'Why the current changes (against git HEAD) make a test run: the reasons and the shortest import ' +
      'chains from a changed file to the test, or that it does not run.',
    { testId: z.string().describe('the test id') },
    ({ testId }) => client.get(`/api/why/${enc(testId)}`),
  );

  tool(
    'list_artifacts',
    "The files a test left in its run's artifacts folder (test-runs/ pulled back from its machine, and its output.log).",
    { runId: z.string(), testId: z.string() },
    ({ runId, testId }) => client.get(`/api/runs/${enc(runId)}/tests/${enc(testId)}/files`),
  );

  tool(
    'read_artifact',
    'Read one artifact of a test as text (output.log is its output), cut to maxBytes from the end when longer.',
    {
      runId: z.string(),
      testId: z.string(),
      path: z.string().describe('as list_artifacts gives it'),
      maxBytes: z.number().int().min(1).max(1_000_000).default(65_536),
    },
    async ({ runId, testId, path, maxBytes }) => {
      const parts = path.split('/');
      if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`not a path list_artifacts gives: ${path}`);
      const route = `/api/runs/${enc(runId)}/tests/${enc(testId)}/files/${parts.map(enc).join('/')}`;
      const { text, size } = await client.tail(route, maxBytes);
      return size <= maxBytes ? { path, text } : { path, truncated: `first ${size - maxBytes} bytes left out`, text };
    },
  );

  tool('cancel', 'Cancel the run in progress (its running tests are stopped, its queued ones never start).', {}, () =>
    client.post('/api/cancel', {}),
  );
  return server;
}
