import { TransportError } from '../../errors.ts';
import { shellQuote } from '../../process/shellQuote.ts';

/**
 * How a command runs in the machine. sshd hands the string to the user's login shell, which starts
 * a small perl supervisor (perl ships with macOS, which has no `setsid`, and with every Debian or
 * Ubuntu image as perl-base). The supervisor:
 *  - sets the environment, enters the working folder (or reports why not),
 *  - forks `/bin/sh -c COMMAND` into a process group of its own, stdin from /dev/null (or, with
 *    `feed`, a pipe it fills from framed data on its own stdin: see stdinFrame) and stderr merged
 *    into stdout (one stream, in order),
 *  - reports `started <pgid>` and later `exit <code>` on ssh's stderr, which carries nothing
 *    else of the command's, so the output is not polluted,
 *  - watches its own stdin, which the host keeps open: EOF means the host cancelled (it closed
 *    the pipe) or is gone (ssh killed, vmwatch crashed), and the whole group gets SIGTERM, then
 *    SIGKILL after 1 s,
 *  - when the command exits, SIGKILLs what it left running in its group, as the sandbox does.
 * (`waitpid($c, 1)`: WNOHANG is 1 on Linux and macOS; loading POSIX.pm would cost ~20 ms a run.)
 * A pty (ssh -tt) was not used: a hangup spares background and SIGHUP-ignoring processes and a
 * pty mangles output (\r\n, one stream for both).
 */
const SUPERVISOR = [
  'my ($cwd, $cmd, $feed, @env) = @ARGV;',
  'sub mark { syswrite STDERR, "\\x1evmwatch-$_[0]\\n" }',
  'for (@env) { my ($k, $v) = split /=/, $_, 2; $ENV{$k} = $v }',
  'chdir $cwd or do { mark("error cannot enter the working folder $cwd: $!"); exit 255 };',
  '$SIG{CHLD} = sub {}; $SIG{PIPE} = "IGNORE";',
  'my ($in, $out, $buf) = (undef, undef, "");',
  'if ($feed) { pipe($in, $out) or do { mark("error cannot make a pipe: $!"); exit 255 } }',
  'my $c = fork;',
  'defined $c or do { mark("error cannot fork: $!"); exit 255 };',
  'if (!$c) { setpgrp(0, 0); if ($feed) { close $out; open STDIN, "<&", $in } else { open STDIN, "<", "/dev/null" } ' +
    'open STDERR, ">&", \\*STDOUT; exec "/bin/sh", "-c", $cmd; exit 127 }',
  'setpgrp($c, $c); close $in if $feed;',
  'sub feed { $buf .= $_[0]; while ($out && length($buf) >= 4) { my $n = unpack("N", $buf); ' +
    'if ($n == 0) { close $out; $out = undef; last } last if length($buf) < 4 + $n; ' +
    'my $d = substr($buf, 4, $n); $buf = substr($buf, 4 + $n); ' +
    'while (length $d) { my $w = syswrite $out, $d; if (!defined $w) { next if $! == 4; close $out; $out = undef; last } ' +
    '$d = substr($d, $w) } } }',
  'mark("started $c");',
  'my ($st, $eof, $n) = (0, 0, 0);',
  'while (1) {',
  '  if (waitpid($c, 1) == $c) { $st = $?; last }',
  '  if ($eof) { select(undef, undef, undef, 0.05); kill "KILL", -$c if ++$n == 20; next }',
  '  my $r = ""; vec($r, 0, 1) = 1;',
  '  if (select($r, undef, undef, 0.25) > 0) { my $got = sysread STDIN, my $b, 65536; ' +
    'if (defined $got && $got == 0) { $eof = 1; kill "TERM", -$c } elsif ($got && $feed) { feed($b) } }',
  '}',
  'kill "KILL", -$c;',
  'my $code = $st & 127 ? 128 + ($st & 127) : $st >> 8;',
  'mark("exit $code");',
  'exit $code;',
].join(' ');

/** Lines the supervisor writes on ssh's stderr start with this (ASCII record separator). */
export const MARK = '\x1evmwatch-';

/**
 * One frame of a command's stdin on the supervisor's stdin (whose EOF means cancel): a 4-byte
 * big-endian length, then the bytes; an empty frame is the command's EOF.
 */
export function stdinFrame(data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  return Buffer.concat([head, data]);
}

/**
 * The string to give ssh as the remote command for `command` in `cwd` with `env`. With `feed`,
 * the command's stdin is what the host sends in stdinFrame frames; without, it is empty.
 */
export function supervisedCommand(command: string, cwd: string, env: Record<string, string> = {}, feed = false): string {
  const pairs = Object.entries(env).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new TransportError(`'${key}' is not a valid environment variable name`);
    return `${key}=${value}`;
  });
  return ['perl', '-e', SUPERVISOR, cwd, command, feed ? '1' : '0', ...pairs].map((a, i) => (i === 0 ? a : shellQuote(a))).join(' ');
}

export type SupervisorMark = { kind: 'started'; pgid: number } | { kind: 'exit'; code: number } | { kind: 'error'; message: string };

/** A supervisor line from ssh's stderr (without the newline), or null for anything else. */
export function parseMark(line: string): SupervisorMark | null {
  if (!line.startsWith(MARK)) return null;
  const [kind, ...rest] = line.slice(MARK.length).split(' ');
  const arg = rest.join(' ');
  if (kind === 'started' && /^\d+$/.test(arg)) return { kind: 'started', pgid: Number(arg) };
  if (kind === 'exit' && /^\d+$/.test(arg)) return { kind: 'exit', code: Number(arg) };
  if (kind === 'error') return { kind: 'error', message: arg };
  return null;
}
