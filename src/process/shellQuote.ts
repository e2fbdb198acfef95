/**
 * One word for a POSIX shell (sh, bash, zsh: the shells of Linux and macOS machines): left as it
 * is when it holds only characters no shell reads specially, else single-quoted (a `'` inside
 * becomes `'\''`). A leading `=` is quoted too: zsh expands `=cmd` to a path.
 */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+,-][A-Za-z0-9_./:=@%+,-]*$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
