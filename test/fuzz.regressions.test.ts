import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze } from '../server/src/engine';
import { applyEdits } from '../server/src/fixes';

// Inputs the fuzzer (npm run fuzz) found, in our own minimal form: each once broke a promise.

/** Every fix edit lies inside the document, never between a \r and its \n. */
async function assertEditsInside(text: string, file: string) {
  const r = await analyze(text, file, { jupyterhubVersion: '5.5' });
  const lines = text.split(/\r\n|\r|\n/);
  let fixes = 0;
  for (const d of r.diagnostics) {
    for (const f of d.fixes) {
      for (const e of f.edits) {
        for (const p of [e.range.start, e.range.end]) {
          assert.ok(p.line < lines.length && p.character <= lines[p.line].length, `${d.rule}: ${f.title} edits at ${JSON.stringify(p)}`);
        }
      }
      fixes++;
    }
  }
  for (const f of r.findings) for (const x of f.fixes) {
    const out = applyEdits(text, x.edits);
    assert.ok(!/\r(?!\n)/.test(out) || /\r(?!\n)/.test(text), `${f.rule}: ${x.title} split a CRLF line end`);
  }
  return fixes;
}

test('fuzz: the allow_all fix after a statement on a CRLF (or lone CR) line stays inside the document and keeps its line ends', async () => {
  assert.ok((await assertEditsInside('c.JupyterHub.authenticator_class = "generic-oauth"\r\n', '/srv/jupyterhub/jupyterhub_config.py')) > 0);
  await assertEditsInside('c.JupyterHub.authenticator_class = "generic-oauth"\r', '/srv/jupyterhub/jupyterhub_config.py');
  await assertEditsInside('c = get_config()\r\nc.JupyterHub.authenticator_class = "github"\r\nc.Spawner.cmd = ["jupyterhub-singleuser"]\r\n', '/srv/jupyterhub/jupyterhub_config.py');
});

test('fuzz: a YAML syntax error that covers a CRLF line break is placed inside the document', async () => {
  const text = 'hub:\r  :\r\n k';
  const r = await analyze(text, '/srv/z2jh/values.yaml');
  const lines = text.split(/\r\n|\r|\n/);
  assert.ok(r.diagnostics.length > 0);
  for (const d of r.diagnostics) for (const p of [d.range.start, d.range.end]) assert.ok(p.line < lines.length && p.character <= lines[p.line].length, `${d.rule} at ${JSON.stringify(p)}`);
});


test('fuzz: in a file with mixed lone \\r and \\n line ends no fix is safe (a rename landed on the wrong line)', async () => {
  const text = '# header\r# more\nc.JupyterHub.ahenticator.password = "x"\rc.Authenticator.whitelist = {"alice"}\r';
  const r = await analyze(text, '/srv/jupyterhub/jupyterhub_config.py');
  assert.ok(r.diagnostics.some((d) => d.fixes.length));
  for (const d of r.diagnostics) for (const f of d.fixes) assert.notEqual(f.applicability, 'safe', `${d.rule}: ${f.title}`);
});
