// Packages the extension into out/hubcfg-<version>.vsix with @vscode/vsce, without touching the
// working tree's dist/: a staging directory (out/vsix-stage) gets symlinks to the sources and
// node_modules, the production build runs there (scripts/build.mjs --production), then the
// symlinks are removed and vsce packages what .vscodeignore lets through: dist/ (bundled client
// and server, both .wasm files, catalogues, grammars), the introspection helper, snippets, the rule
// docs, README, LICENSE and the manifest.
//
// usage: node client/tools/package.mjs [--out FILE] [--ls]   (--ls: also print `vsce ls`)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = outArg >= 0 ? resolve(args[outArg + 1]) : join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);
const stage = join(root, 'out', 'vsix-stage');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const t0 = Date.now();
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
// what the build reads, linked
const linked = ['node_modules', 'server', 'client', 'scripts', 'grammars', 'tsconfig.base.json'];
for (const name of linked) if (existsSync(join(root, name))) symlinkSync(join(root, name), join(stage, name));
// what the package contains, copied
for (const name of ['README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md', '.vscodeignore', 'snippets', 'docs']) {
  if (existsSync(join(root, name))) cpSync(join(root, name), join(stage, name), { recursive: true, dereference: true });
}
// the build has already run; vsce must not run it again in the stage
const staged = { ...manifest, scripts: { ...manifest.scripts } };
delete staged.scripts['vscode:prepublish'];
writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');

// production bundles into stage/dist (symlinks preserved, so the build's root is the stage)
run(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', join(stage, 'scripts', 'build.mjs'), '--production'], { cwd: stage });
// copies the build made of linked directories may be links themselves: make them real
(function dereference(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) {
      const target = realpathSync(p);
      rmSync(p, { force: true });
      cpSync(target, p, { recursive: true, dereference: true, filter: (src) => !src.endsWith('.wasm') });
    } else if (e.isDirectory()) dereference(p);
  }
})(join(stage, 'dist'));
// the helper ships as server/python/hubcfg_introspect.py (the server finds it there, beside dist/)
for (const name of linked) rmSync(join(stage, name), { force: true });
mkdirSync(join(stage, 'server', 'python'), { recursive: true });
cpSync(join(root, 'server', 'python', 'hubcfg_introspect.py'), join(stage, 'server', 'python', 'hubcfg_introspect.py'));

const license = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(stage, f)));
mkdirSync(dirname(out), { recursive: true });
rmSync(out, { force: true });
const vsceArgs = ['package', '--no-dependencies', '--out', out, ...(license ? [] : ['--skip-license'])];
run(process.execPath, [vsce, ...vsceArgs], { cwd: stage });
if (args.includes('--ls')) run(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: stage });
const size = statSync(out).size;
console.log(`package: ${relative(process.cwd(), out)} (${(size / 1024 / 1024).toFixed(2)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s${license ? '' : ' — no LICENSE file in the repository: packaged with --skip-license'}`);
