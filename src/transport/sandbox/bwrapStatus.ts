/**
 * Reads bubblewrap's `--json-status-fd` stream: `{"child-pid": N}` once the command is started,
 * `{"exit-code": N}` when it ends. Resolves when the stream closes, with the time the child started
 * (null when bwrap never got that far, i.e. the sandbox itself failed).
 */
export function readBwrapStatus(stream: NodeJS.ReadableStream): Promise<{ childStarted: number | null }> {
  return new Promise((resolve) => {
    let childStarted: number | null = null;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      if (childStarted === null && buffered.includes('"child-pid"')) childStarted = Date.now();
    });
    stream.on('error', () => resolve({ childStarted }));
    stream.on('close', () => resolve({ childStarted }));
    stream.on('end', () => resolve({ childStarted }));
  });
}
