import { z } from 'zod';
import type { UserConfig } from './schema.ts';

/** The short `config.json` form, `{ provider, snapshot, poolSize, cpu, memory }`, accepted as is. */
export const referenceConfigSchema = z
  .object({
    provider: z.enum(['auto', 'sandbox', 'tart', 'orchard']).default('tart'),
    snapshot: z.string().min(1).optional(),
    poolSize: z.number().int().min(1).default(3),
    cpu: z.number().int().positive().optional(),
    memory: z.union([z.number().int().positive(), z.string()]).optional(),
  })
  .strict();

/** A JSON document is in the short form when it has `poolSize` and no `root`. */
export function isReferenceConfig(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'poolSize' in value && !('root' in value);
}

/**
 * Maps the short form's pool settings onto a vmwatch config for the app in the config's folder.
 * Tests are discovered by the common file conventions, since the short form names none.
 */
export function fromReferenceConfig(ref: z.output<typeof referenceConfigSchema>): UserConfig {
  return {
    root: '.',
    pool: {
      provider: ref.provider,
      size: ref.poolSize,
      ...(ref.snapshot === undefined ? {} : { snapshot: ref.snapshot }),
      ...(ref.cpu === undefined ? {} : { cpu: ref.cpu }),
      ...(ref.memory === undefined ? {} : { memory: ref.memory }),
    },
    discover: [
      { pattern: ['**/*.test.{js,mjs,cjs}'], command: 'node --test {file}', ignore: ['**/node_modules/**'] },
      { pattern: ['**/*.test.{ts,mts,tsx}'], command: 'node --import tsx --test {file}', ignore: ['**/node_modules/**'] },
      { pattern: ['**/test_*.py'], command: 'python3 -m unittest {file}', ignore: ['**/.venv/**'] },
    ],
  };
}
