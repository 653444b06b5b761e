#!/usr/bin/env node
// A second LSP client: the stdio server under headless Neovim (the editor kit's nvim-diag.sh)
// returns the same diagnostics as the CLI for the same file — rule, severity, message and range —
// for a jupyterhub_config.py and a z2jh values file.
//
// usage: node test/e2e/nvim-parity.js [FILE...]   (default: the insecure example and a values file)
// env: EDITOR_HARNESS_KIT (default ../shared/editor-harness)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const KIT = path.resolve(process.env.EDITOR_HARNESS_KIT || path.join(ROOT, '..', 'shared', 'editor-harness'));
const SEV = { ERROR: 'error', WARN: 'warning', INFO: 'information', HINT: 'hint' };
const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => path.resolve(f))
  : [path.join(ROOT, 'examples', 'insecure', 'jupyterhub_config.py'), path.join(ROOT, 'test', 'extension', 'workspace', 'values.yaml')];

/** LSP positions are UTF-16 code units; Neovim reports byte columns: convert the CLI's to bytes. */
function byteCol(lines, line, ch) {
  return Buffer.byteLength((lines[line] ?? '').slice(0, ch), 'utf8');
}

let failed = 0;
for (const src of files) {
  const t0 = Date.now();
  // a scratch copy: the file must not pick up a .hubcfg.yaml or Chart.yaml that only one side sees
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-nvim-'));
  const file = path.join(dir, path.basename(src));
  fs.copyFileSync(src, file);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let cliOut;
  try {
    cliOut = cp.execFileSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
  } catch (e) {
    cliOut = e.stdout;
  }
  const cli = JSON.parse(cliOut).files[0].diagnostics.map((d) => ({
    rule: d.rule,
    severity: d.severity,
    message: d.message,
    range: [d.range.start.line, byteCol(lines, d.range.start.line, d.range.start.character), d.range.end.line, byteCol(lines, d.range.end.line, d.range.end.character)],
  }));
  const r = cp.spawnSync(path.join(KIT, 'nvim-diag.sh'), [file, process.execPath, path.join(ROOT, 'dist', 'server.js'), '--stdio'], {
    encoding: 'utf8',
    timeout: 60000,
    // wait for the last finding the CLI reports, so a partial publication cannot pass
    env: { ...process.env, LSP_WAIT_FOR: cli.length ? cli[cli.length - 1].message.slice(0, 40) : '', LSP_TIMEOUT_MS: '30000', LSP_SETTINGS: JSON.stringify({ pythonInterpreter: 'off' }) },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  let nvim;
  try {
    nvim = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    console.error(`nvim-parity: ${path.relative(ROOT, src)}: no JSON from nvim-diag.sh (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
    failed++;
    continue;
  }
  const got = nvim.diagnostics
    .map((d) => ({ rule: d.code, severity: SEV[d.severity] ?? d.severity, message: d.message, range: [d.lnum, d.col, d.end_lnum, d.end_col], source: d.source }))
    .sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1] || a.range[2] - b.range[2] || a.range[3] - b.range[3] || a.rule.localeCompare(b.rule));
  const want = [...cli].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1] || a.range[2] - b.range[2] || a.range[3] - b.range[3] || a.rule.localeCompare(b.rule));
  const strip = (x) => x.map(({ rule, severity, message, range }) => JSON.stringify({ rule, severity, message, range }));
  const a = strip(got);
  const b = strip(want);
  const same = a.length === b.length && a.every((x, i) => x === b[i]);
  const sources = [...new Set(got.map((d) => d.source))];
  if (same && nvim.ok && sources.every((s) => s === 'hubcfg') && want.length > 0) {
    console.log(`ok   ${path.relative(ROOT, src)}: Neovim and the CLI agree on ${want.length} diagnostics (${Date.now() - t0} ms)`);
  } else {
    failed++;
    console.log(`FAIL ${path.relative(ROOT, src)}: Neovim ${got.length} vs CLI ${want.length} diagnostics`);
    for (const x of a.filter((x) => !b.includes(x))) console.log(`  only in Neovim: ${x}`);
    for (const x of b.filter((x) => !a.includes(x))) console.log(`  only in the CLI: ${x}`);
    if (r.stderr) console.log(r.stderr.split('\n').slice(-10).join('\n'));
  }
}
process.exit(failed ? 1 : 0);
