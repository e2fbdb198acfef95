import { VmwatchError, errorMessage } from '../errors.ts';
import { parseFlags, USAGE, type CommonFlags } from './args.ts';
import { runCommand } from './commands/run.ts';
import { selectCommand } from './commands/select.ts';
import { snapshotCommand } from './commands/snapshot.ts';
import { poolCommand } from './commands/pool.ts';
import { doctorCommand } from './commands/doctor.ts';
import { watchCommand } from './commands/watch.ts';
import { whyCommand } from './commands/why.ts';

type Command = (flags: CommonFlags, args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  watch: (flags) => watchCommand(flags),
  run: (flags) => runCommand(flags),
  select: (flags) => selectCommand(flags),
  why: (flags, args) => whyCommand(flags, args),
  snapshot: (flags, args) => snapshotCommand(flags, args),
  pool: (flags, args) => poolCommand(flags, args),
  doctor: (flags) => doctorCommand(flags),
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
