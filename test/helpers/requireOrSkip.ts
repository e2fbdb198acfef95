/**
 * Passes a skip reason through, except with VMWATCH_TEST_REQUIRE=1 (set by .ci/run): there a tool a
 * test needs being missing is a failure, so this throws with the reason, failing the test file at
 * collection instead of skipping it.
 */
export function requireOrSkip(what: string, reason: string | null): string | null {
  if (reason !== null && process.env.VMWATCH_TEST_REQUIRE === '1') {
    throw new Error(`VMWATCH_TEST_REQUIRE=1 and the ${what} cannot run here: ${reason}`);
  }
  return reason;
}
