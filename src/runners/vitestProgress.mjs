// vmwatch's Vitest reporter: prints a progress line when Vitest queues a test file in a worker
// (right before it imports it) and when the file ends, so the host can give each file of a batch
// its own timeout. Passed as `--reporter=data:text/javascript;base64,<this>` (never written into
// the app). Vitest 3 does not end a file that fails to load (only `onTestModuleCollected` sees
// it, failed): that ends it here. Vitest before 3 has none of these hooks and prints nothing: its
// batches keep one bound, the sum of their files' timeouts.
const mark = (kind, file) => process.stdout.write(`[vmwatch] ${kind} ${JSON.stringify(file)}\n`);

export default class VmwatchProgress {
  onTestModuleQueued(testModule) {
    mark('started', testModule.moduleId);
  }

  onTestModuleCollected(testModule) {
    if (typeof testModule.state === 'function' && testModule.state() === 'failed') mark('finished', testModule.moduleId);
  }

  onTestModuleEnd(testModule) {
    mark('finished', testModule.moduleId);
  }
}
