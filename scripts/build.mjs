// Bundles the CLI, the language server and the VS Code client with esbuild, and copies the
// runtime assets beside them: both tree-sitter .wasm files (from their npm packages) and the
// catalogues. Usage: node scripts/build.mjs [--production]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  sourcesContent: false,
  logLevel: 'warning',
  // web-tree-sitter >= 0.25 is ESM first; its ESM build needs import.meta.url, which is undefined in a
  // CommonJS bundle. Its CommonJS build has no such dependency, so bundle that one.
  plugins: [
    {
      name: 'web-tree-sitter-cjs',
      setup(build) {
        build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
      },
    },
  ],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: [join(root, 'server/src/cli/main.ts')], outfile: join(dist, 'cli.js') }),
  esbuild.build({ ...common, entryPoints: [join(root, 'server/src/lsp/main.ts')], outfile: join(dist, 'server.js') }),
  esbuild.build({ ...common, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(dist, 'extension.js'), external: ['vscode'] }),
]);

// the runtime .wasm and the grammar .wasm must sit beside the bundles
cpSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
cpSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), join(dist, 'tree-sitter-python.wasm'));
cpSync(join(root, 'grammars'), join(dist, 'grammars'), { recursive: true, filter: (src) => !src.endsWith('.wasm') });
// grammars/ also gets the grammar .wasm from its npm package (not committed), for tools that read grammars/
cpSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), join(root, 'grammars', 'tree-sitter-python.wasm'));
const catalog = join(root, 'server', 'catalog');
if (existsSync(catalog)) cpSync(catalog, join(dist, 'catalog'), { recursive: true });
console.log(`built ${production ? 'production ' : ''}bundles in dist/`);
