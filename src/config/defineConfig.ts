import type { UserConfig } from './schema.ts';

/** Typed identity helper for `watch.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

export type { UserConfig };
