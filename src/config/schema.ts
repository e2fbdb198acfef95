import { z } from 'zod';
import { orchardSchema, providersSchema } from './orchardSchema.ts';
import { guestPathProblem } from './guestPath.ts';

/** Default globs that make every test run: manifests, lockfiles, compiler settings. */
const DEFAULT_RUN_ALL = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'requirements*.txt',
  'poetry.lock',
  'uv.lock',
  'pyproject.toml',
  '**/tsconfig*.json',
  '**/jsconfig*.json',
  '**/package.json',
  'Pipfile',
  'Pipfile.lock',
  'bun.lock',
  'bun.lockb',
  // Setup files: test-runner configuration and global setup that every test goes through.
  'setup.py',
  'setup.cfg',
  'pytest.ini',
  'tox.ini',
  '{vite,vitest,jest}.config.*',
  '**/{vitest,jest}.setup.*',
  '**/setupTests.*',
];

const globList = z.array(z.string().min(1, 'a non-empty glob'));
const positiveInt = z.number().int().positive();

const watchSchema = z
  .object({
    include: globList.default(['**/*']),
    ignore: globList.default([]),
    debounceMs: z.number().int().min(0).max(60_000).default(100),
    /** Changes during a run (watchexec's meanings): queue them, restart the affected running tests, or ignore them. */
    onBusy: z.enum(['queue', 'restart', 'ignore']).default('queue'),
  })
  .strict();

const suiteSchema = z
  .object({
    id: z.string().min(1, 'a non-empty test id'),
    command: z.string().min(1, 'a non-empty shell command'),
    files: globList.default([]),
    covers: globList.default([]),
    timeoutMs: positiveInt.optional(),
    /** The suite typechecks the whole project (e.g. `tsc --noEmit`): any TypeScript or tsconfig change selects it. */
    typecheck: z.boolean().optional(),
  })
  .strict();

const RUNNERS = ['vitest', 'node-test', 'pytest', 'unittest', 'command'] as const;

const discoverSchema = z
  .object({
    pattern: z.union([z.string().min(1), globList.min(1)]),
    /** How the files run: a known runner (batches, results per case), or `command` (the default when `command` is given). */
    runner: z.enum(RUNNERS).optional(),
    command: z.string().min(1, 'a shell command; {file} is replaced by the test file, {files} by a batch of them').optional(),
    /** `command` runner: the JUnit XML file the command writes, relative to the app folder; its cases become results. */
    junit: z.string().min(1).optional(),
    /** Vitest: typecheck is on, so a type-only change can change the result. */
    typecheck: z.boolean().optional(),
    /** Known runners: extra arguments for the runner, before the files (e.g. ["--import", "tsx"] for node-test). */
    args: z.array(z.string()).optional(),
    /** pytest and unittest: the Python interpreter (default "python3"). */
    python: z.string().min(1, 'a Python interpreter, e.g. "python3" or ".venv/bin/python"').optional(),
    /** Run the selected files of this rule in batches, one runner process per machine (false: one file per machine). */
    batch: z.boolean().default(true),
    /**
     * A batch is split over more machines only when each shard gets at least this much expected
     * work (history's durations): every shard pays a runner start, so a few fast files run faster in one.
     */
    minShardMs: z.number().int().min(0).default(2000),
    ignore: globList.default([]),
    timeoutMs: positiveInt.optional(),
  })
  .strict()
  .refine((rule) => rule.runner !== undefined || rule.command !== undefined, {
    message: "a runner ('vitest', 'node-test', 'pytest', 'unittest') or a command",
    path: ['runner'],
  })
  .refine((rule) => rule.runner !== 'command' || rule.command !== undefined, {
    message: "runner 'command' needs a command",
    path: ['command'],
  });

const triggersSchema = z
  .object({
    runAll: globList.default(DEFAULT_RUN_ALL),
    map: z.array(z.object({ files: globList.min(1), tests: z.array(z.string().min(1)).min(1) }).strict()).default([]),
  })
  .strict();

const selectSchema = z
  .object({
    /** Python source roots (folders absolute imports resolve from), relative to root; default: found from the layout. */
    sourceRoots: z.array(z.string()).optional(),
    /** tsconfig files for path aliases, relative to root; default: every tsconfig.json/jsconfig.json (nearest applies). */
    tsconfig: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    /** Keep the import graph in <root>/.vmwatch/graph.json for a warm start (default true). */
    persistGraph: z.boolean().default(true),
  })
  .strict();

const memorySchema = z.union([
  positiveInt,
  z.string().regex(/^\d+(\.\d+)?\s*(MB|GB|M|G|MiB|GiB)?$/i, 'a size such as 8192 (MB), "8GB" or "512MB"'),
]);

const poolSchema = z
  .object({
    provider: z.enum(['auto', 'sandbox', 'tart', 'orchard']).default('auto'),
    size: z.number().int().min(1).max(64).default(2),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes')
      .optional(),
    snapshot: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a name of letters, digits, ".", "_" and "-"')
      .optional(),
    base: z.string().optional(),
    cpu: positiveInt.optional(),
    memory: memorySchema.optional(),
    ports: z.array(z.number().int().min(1).max(9999)).default([]),
    user: z.string().min(1).default('admin'),
    /** The base image's login, used once by `snapshot build` to install the pool key (Cirrus images: admin/admin). */
    password: z.string().default('admin'),
    /** Tart: keep one suspended golden per slot, so a revert resumes instead of booting. */
    suspend: z.boolean().default(false),
    /** Tart: allow more than 2 VMs on this host (macOS refuses a third unless the host is special). */
    overrideHostLimit: z.boolean().default(false),
    /** How long a new machine may take until it answers (Tart: boot + IP + SSH). */
    bootTimeoutMs: positiveInt.default(180_000),
    /** Idle machines are checked this often; one that stops answering is replaced. 0 turns it off. */
    healthCheckMs: z.number().int().min(0).default(30_000),
    /** Leave ready machines running when vmwatch stops, and adopt them at the next start (same snapshot build). */
    keepWarm: z.boolean().default(false),
    /** Env passed to every test command. */
    env: z.record(z.string(), z.string()).default({}),
    /** Names of vmwatch's own environment variables passed on to every test command (nothing else of it is). */
    passEnv: z
      .array(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits and _, not starting with a digit)'),
      )
      .default([]),
    /** Orchard: the controller and service account (see orchardSchema.ts). */
    orchard: orchardSchema.optional(),
    /** A hybrid pool: [{ provider, size }], slots handed out in this order (replaces provider and size). */
    providers: providersSchema.optional(),
  })
  .strict();

const artifactsSchema = z
  .object({
    dir: z.string().min(1).default('test-runs'),
    into: z.string().min(1).default('test-runs'),
  })
  .strict();

/** 10 MiB: a test's output.log keeps its first and last 5 MiB beyond this. */
const DEFAULT_OUTPUT_MAX_BYTES = 10 * 1024 * 1024;

const outputSchema = z
  .object({
    /** Most bytes of a test's output kept in its output.log: the head and the tail, with a line saying how much was dropped. */
    maxBytes: z.number().int().min(1024, 'at least 1024 bytes').default(DEFAULT_OUTPUT_MAX_BYTES),
  })
  .strict();

const notifySchema = z.union([
  z.literal(false),
  z
    .object({
      on: z.array(z.enum(['failure', 'recovery', 'flaky'])).default(['failure', 'recovery', 'flaky']),
      /** Run this instead of a desktop notification (sh -c; VMWATCH_NOTIFY_* in its env, the notification as JSON on stdin). */
      command: z.string().min(1).optional(),
      /** Runs that finish faster than this after a notification are summed up in one, sent when it has passed. */
      minIntervalMs: z.number().int().min(0).default(5_000),
      /** Also show it in the terminal (OSC 9/777/99): 'auto' in ssh and tmux sessions, true whenever the terminal is known. */
      terminal: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    })
    .strict(),
]);

/** The local dashboard and API of `vmwatch watch` (127.0.0.1 only); false: none. */
const uiSchema = z.union([
  z.literal(false),
  z
    .object({
      /** 0: a free port. */
      port: z.number().int().min(0).max(65_535).default(0),
      /** Open it in the browser when the watch starts. */
      open: z.boolean().default(false),
    })
    .strict(),
]);

export const configSchema = z
  .object({
    root: z
      .string({
        error: (issue) => (issue.input === undefined ? 'required: the app folder, relative to the config file' : 'a path (string)'),
      })
      .min(1),
    /** The app's folder in the machine: absolute, not / nor a system folder (guestPath.ts). */
    guestPath: z
      .string()
      .superRefine((value, ctx) => {
        const problem = guestPathProblem(value);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default('/mnt/app'),
    watch: watchSchema.prefault({}),
    tests: z.array(suiteSchema).default([]),
    discover: z.array(discoverSchema).default([]),
    triggers: triggersSchema.prefault({}),
    select: selectSchema.prefault({}),
    pool: poolSchema.prefault({}),
    artifacts: artifactsSchema.prefault({}),
    output: outputSchema.prefault({}),
    notify: notifySchema.prefault({}),
    ui: uiSchema.prefault({}),
    /** Rerun a failed or timed-out test this many times, each on a fresh machine; passing then is `flaky`. */
    retry: z.number().int().min(0).max(5).default(0),
    setup: z.array(z.string().min(1)).default([]),
    concurrency: positiveInt.optional(),
  })
  .strict();

/** What a user writes (defaults optional). */
export type UserConfig = z.input<typeof configSchema>;
/** What the schema gives back (defaults filled). */
export type ParsedConfig = z.output<typeof configSchema>;
