import { VmwatchError, errorMessage } from '../errors.ts';
import { parseFlags, USAGE, type CommonFlags } from './args.ts';
type Command = (flags: CommonFlags, args: string[]) => Promise<number>;

// Each command's modules load only when it runs: a one-shot `vmwatch run` starts sooner.
const COMMANDS: Record<string, Command> = {
  watch: async (flags) => (await import('./commands/watch.ts')).watchCommand(flags),
  run: async (flags) => (await import('./commands/run.ts')).runCommand(flags),
  select: async (flags) => (await import('./commands/select.ts')).selectCommand(flags),
  why: async (flags, args) => (await import('./commands/why.ts')).whyCommand(flags, args),
  snapshot: async (flags, args) => (await import('./commands/snapshot.ts')).snapshotCommand(flags, args),
  pool: async (flags, args) => (await import('./commands/pool.ts')).poolCommand(flags, args),
  doctor: async (flags) => (await import('./commands/doctor.ts')).doctorCommand(flags),
  ui: async (flags) => (await import('./commands/ui.ts')).uiCommand(flags),
  mcp: async (flags) => (await import('./commands/mcp.ts')).mcpCommand(flags),
};

/** Parse, dispatch, and turn errors into a message and an exit code (2 for usage and config). */
export async function main(argv: string[]): Promise<number> {
  try {
    const { flags, positionals } = parseFlags(argv);
    const [name, ...args] = positionals;
    if (flags.help || name === undefined || name === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return name === undefined && !flags.help ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      process.stderr.write(`vmwatch: unknown command '${name}'\n\n${USAGE}\n`);
      return 2;
    }
    return await command(flags, args);
  } catch (err) {
    if (err instanceof VmwatchError) {
      process.stderr.write(`vmwatch: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`vmwatch: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}\n`);
    return 1;
  }
}
