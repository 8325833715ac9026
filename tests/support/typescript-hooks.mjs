// Module hooks for typescript-loader.mjs: from a .ts module, `./x.js` resolves to `./x.ts` and
// workspace packages to their sources (the "source" export condition); .ts files load
// transpiled by TypeScript (types dropped, no checking).
import { readFile } from 'node:fs/promises';

let typescript;

export async function resolve(specifier, context, nextResolve) {
  if (!context.parentURL?.endsWith('.ts')) return nextResolve(specifier, context);
  const sourceContext = { ...context, conditions: [...context.conditions, 'source'] };
  if (specifier.startsWith('.') && specifier.endsWith('.js')) {
    try {
      return await nextResolve(`${specifier.slice(0, -3)}.ts`, sourceContext);
    } catch {
      // A real .js file next to the sources.
    }
  }
  return nextResolve(specifier, sourceContext);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  typescript ??= (await import('typescript')).default;
  const source = await readFile(new URL(url), 'utf8');
  const { outputText } = typescript.transpileModule(source, {
    fileName: url,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      sourceMap: false,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
