/**
 * The variables every test command gets from the config: pool.env, plus the pool.passEnv names
 * copied from vmwatch's own environment (those it has; pool.env wins over them). Nothing else of
 * vmwatch's environment reaches a test: the transports add only their own basics (PATH, HOME…).
 */
export function testEnv(
  pool: { env: Record<string, string>; passEnv: string[] },
  hostEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const name of pool.passEnv) {
    const value = hostEnv[name];
    if (value !== undefined) passed[name] = value;
  }
  return { ...passed, ...pool.env };
}
