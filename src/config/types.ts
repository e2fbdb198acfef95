import type { ParsedConfig } from './schema.ts';

export type SuiteConfig = ParsedConfig['tests'][number];
export type DiscoverRule = ParsedConfig['discover'][number];

/**
 * A loaded, validated config with every path made absolute. `root`, `artifacts.into` and
 * `configFile` are host paths; `guestPath` and `artifacts.dir` are machine paths.
 */
export interface ResolvedConfig extends Omit<ParsedConfig, 'pool' | 'notify'> {
  configFile: string;
  configDir: string;
  /** Absolute host path of the artifacts folder (`artifacts.into` resolved against the config). */
  artifactsInto: string;
  pool: Omit<ParsedConfig['pool'], 'memory' | 'name' | 'snapshot'> & {
    name: string;
    snapshot: string;
    /** pool.snapshot was set in the config (shared on purpose), not derived from the root. */
    snapshotNamed: boolean;
    /** Memory in MB. */
    memoryMb?: number;
  };
  notify: false | { on: Array<'failure' | 'recovery' | 'flaky'>; command?: string; minIntervalMs: number; terminal?: 'auto' | boolean };
}
