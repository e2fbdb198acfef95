/**
 * The JSX automatic runtime is an import the source does not spell: a `.tsx`/`.jsx` file loads
 * `<importSource>/jsx-runtime` (and `/jsx-dev-runtime` in development). The import source comes
 * from the file's `@jsxImportSource` pragma, else tsconfig `compilerOptions.jsxImportSource`,
 * else a Vite/Vitest config's `jsxImportSource` option, else `react`.
 */

export const DEFAULT_JSX_IMPORT_SOURCE = 'react';

const PRAGMA = /@jsxImportSource\s+([^\s*]+)/;
/** `jsxImportSource: 'x'` anywhere in a Vite/Vitest config: `esbuild`'s option or a plugin's. */
const CONFIG_OPTION = /\bjsxImportSource\s*:\s*['"`]([^'"`\s]+)['"`]/;
const VITE_CONFIG = /(^|\/)(vite|vitest)\.config\.[cm]?[jt]s$/;

/** A file whose JSX compiles to runtime imports. */
export function isJsxFile(file: string): boolean {
  return file.endsWith('.tsx') || file.endsWith('.jsx');
}

/** A `vite.config.*` or `vitest.config.*` file. */
export function isViteConfigFile(file: string): boolean {
  return VITE_CONFIG.test(file);
}

/** The import source a `/** @jsxImportSource x *\/` pragma names, if the source has one. */
export function jsxPragmaSource(source: string): string | undefined {
  return source.includes('@jsxImportSource') ? PRAGMA.exec(source)?.[1] : undefined;
}

/** The `jsxImportSource` a Vite/Vitest config sets (a plain read of its text), if any. */
export function viteJsxImportSource(text: string): string | undefined {
  return CONFIG_OPTION.exec(text)?.[1];
}

/** The modules a JSX file with this import source loads. */
export function jsxRuntimeSpecifiers(importSource: string): string[] {
  return [`${importSource}/jsx-runtime`, `${importSource}/jsx-dev-runtime`];
}
