export { defineConfig, type UserConfig } from './config/defineConfig.ts';
export type { ResolvedConfig } from './config/types.ts';
export type { RunSummary, TestResult, TestStatus } from './report/types.ts';
