import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './helpers/fixtures';
import { LspClient } from './helpers/lsp';
import { analyze } from '../server/src/engine';
import { mask } from '../server/src/rules/security/util';
import { maskFindings } from '../server/src/secrets';

/**
 * Secrets written in a config never appear in what hubcfg prints: messages, fix titles, logs, in every
 * output format and over LSP. Fix edits may hold them (the file does anyway), so `newText` and SARIF's
 * `insertedContent` are not scanned.
 */

const PY = [
  'c = get_config()  # noqa',
  'c.LDAPAuthenticator.lookup_dn_search_password = 31415926',
  'c.SharedPasswordAuthenticator.user_password = 16180339',
  "c.SharedPasswordAuthenticator.admin_password = 'Kx7mQ2vR9pL4wZ8n'",
  'c.ConfigurableHTTPProxy.auth_token = 1414213562373095',
  "c.JupyterHub.cookie_secret = 'c0ffee5ecret0123456789abcdefabcdef0123456789abcdef0123456789abcd'",
  'c.GitHubOAuthenticator.client_secret = 27182818284',
  "c.JupyterHub.api_tokens = {'Tq3nV8xB1mK6zR2w': 'admin'}",
  "c.JupyterHub.services = [{'name': 'svc', 'api_token': 'Yh5gF3dS7aJ9kL2p'}]",
  "c.JupyterHub.db_url = 'postgresql://hub:Pw9Xy7Zq3Rt5@db.example.org/jupyterhub'",
  "c.Spawner.environment = {'MY_API_TOKEN': 'Nb4Vc6Xz8Lk2Jh0g'}",
  "c.CryptKeeper.keys = ['Mq1Wn3Eb5Rv7Tc9Yx2Uz4Io6Pa8Sd0Fg']",
  "c.DummyAuthenticator.password = 'Gh7Jk9Lm2Nb4'",
  '',
].join('\n');

const YAML = [
  'hub:',
  '  cookieSecret: 9988776655443322',
  '  db:',
  '    type: postgres',
  '    url: postgresql://hub:Ur8Ty6Qw4Er2@db/jupyterhub',
  '    password: 31415927',
  '  services:',
  '    grader:',
  '      apiToken: 58979323846',
  '  extraEnv:',
  '    GITHUB_CLIENT_SECRET: 26433832795',
  '  config:',
  '    LDAPAuthenticator:',
  '      lookup_dn_search_password: 27182819',
  '    GitHubOAuthenticator:',
  "      client_secret: 'Wq2Er4Ty6Ui8Op0A'",
  '    JupyterHub:',
  '      authenticator_class: github',
  'proxy:',
  '  secretToken: 1414213562373096',
  'imagePullSecret:',
  '  create: true',
  '  password: 69399375105',
  'singleuser:',
  '  extraEnv:',
  "    AWS_SECRET_ACCESS_KEY: 'Zx9Cv7Bn5Mm3Lk1J'",
  '',
].join('\n');

const SECRETS = [
  '31415926', '16180339', 'Kx7mQ2vR9pL4wZ8n', '1414213562373095', 'c0ffee5ecret0123456789', '27182818284', 'Tq3nV8xB1mK6zR2w',
  'Yh5gF3dS7aJ9kL2p', 'Pw9Xy7Zq3Rt5', 'Nb4Vc6Xz8Lk2Jh0g', 'Mq1Wn3Eb5Rv7Tc9Yx2Uz4Io6Pa8Sd0Fg', 'Gh7Jk9Lm2Nb4',
  '9988776655443322', 'Ur8Ty6Qw4Er2', '31415927', '58979323846', '26433832795', '27182819', 'Wq2Er4Ty6Ui8Op0A', '1414213562373096',
  '69399375105', 'Zx9Cv7Bn5Mm3Lk1J',
];

/** Every string in a JSON value, except the text that fix edits insert. */
function strings(v: unknown, out: string[] = [], key = ''): string[] {
  if (key === 'newText' || key === 'insertedContent') return out;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings(x, out, k);
  return out;
}

function leaks(texts: string[]): string[] {
  return texts.flatMap((t) => SECRETS.filter((s) => t.includes(s)).map((s) => `${s} in: ${t.slice(0, 200)}`));
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the mask: first two characters and the length, "1 character" in the singular', () => {
  assert.equal(mask('5f4dcc3b5aa765d61d8327deb882cf99'), '"5f******" (32 characters)');
  assert.equal(mask('abcd'), '"****" (4 characters)');
  assert.equal(mask('x'), '"*" (1 character)');
});

test('no secret of the file appears in CLI text, JSON or SARIF output (numeric secrets included)', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-secrets-'));
  fs.writeFileSync(path.join(d, 'jupyterhub_config.py'), PY);
  fs.writeFileSync(path.join(d, 'values.yaml'), YAML);
  const files = [path.join(d, 'jupyterhub_config.py'), path.join(d, 'values.yaml')];
  const text = run(['check', ...files]);
  assert.equal(text.code, 1, text.stderr);
  // the secrets are reported (so the scan means something), masked
  assert.match(text.stdout, /lookup_dn_search_password expects a string, not "31\*{6}" \(8 characters\)/);
  assert.deepEqual(leaks([text.stdout, text.stderr]), []);
  const json = run(['check', '--format', 'json', ...files]);
  const parsed = JSON.parse(json.stdout);
  const titles = parsed.files.flatMap((f: any) => f.diagnostics.flatMap((x: any) => x.fixes.map((y: any) => y.title)));
  assert.ok(titles.includes('Quote it: "14******" (16 characters)'), titles.join('\n'));
  assert.deepEqual(leaks([...strings(parsed), json.stderr]), []);
  const sarif = run(['check', '--format', 'sarif', ...files]);
  assert.deepEqual(leaks([...strings(JSON.parse(sarif.stdout)), sarif.stderr]), []);
});

test('no secret appears in LSP diagnostics, code action titles or log messages', async () => {
  const client = new LspClient();
  try {
    await client.initialize({});
    const seen: unknown[] = [];
    for (const [name, text, lang] of [['jupyterhub_config.py', PY, 'python'], ['values.yaml', YAML, 'yaml']]) {
      const uri = `file:///workspace/secrets/${name}`;
      const wait = client.diagnosticsFor(uri, 1);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: lang, version: 1, text } });
      const diags = (await wait).params.diagnostics;
      assert.ok(diags.length > 5, `${name}: ${diags.length} diagnostics`);
      for (const dg of diags) {
        seen.push(await client.request('textDocument/codeAction', { textDocument: { uri }, range: dg.range, context: { diagnostics: [dg] } }));
      }
      const hovers = [];
      for (let line = 1; line < 4; line++) hovers.push(await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 25 } }));
      seen.push(hovers);
    }
    seen.push(client.notifications);
    const all = strings(seen);
    assert.ok(all.some((s) => s.includes('Quote it: "14******" (16 characters)')), 'the code action for the proxy token is offered, masked');
    assert.deepEqual(leaks(all), []);
  } finally {
    await client.shutdown();
  }
});

test('the engine masks secrets in whatever a rule writes: bare, quoted, as a repr, shortened', async () => {
  const res = await analyze(PY, '/srv/jupyterhub/jupyterhub_config.py', {});
  const f = {
    rule: 'x/future-rule', severity: 'error' as const, span: { start: 0, end: 0 },
    message: "bare 31415926, quoted \"Kx7mQ2vR9pL4wZ8n\", repr 'Nb4Vc6Xz8Lk2Jh0g', shortened 'c0ffee5ecret0123456789abcd…', in a URL postgresql://hub:Pw9Xy7Zq3Rt5@db; not 314159260 nor 131415926",
    fixes: [{ title: 'Write 1414213562373095', applicability: 'unsafe' as const, edits: [] }],
  };
  maskFindings(res.model!, [f]);
  assert.equal(f.message, 'bare "31******" (8 characters), quoted "Kx******" (16 characters), repr "Nb******" (16 characters), shortened "c0******" (64 characters), in a URL postgresql://hub:"Pw******" (12 characters)@db; not 314159260 nor 131415926');
  assert.equal(f.fixes[0].title, 'Write "14******" (16 characters)');
});

test('a short secret made of letters is masked where quoted, without masking the words of messages', async () => {
  const res = await analyze("c = get_config()  # noqa\nc.DummyAuthenticator.password = 'a'\nc.ConfigurableHTTPProxy.auth_token = 42\n", '/srv/jupyterhub/jupyterhub_config.py', {});
  const f = { rule: 'x/future-rule', severity: 'error' as const, span: { start: 0, end: 0 }, message: "expects a string, not 'a' nor 42", fixes: [] };
  maskFindings(res.model!, [f]);
  assert.equal(f.message, 'expects a string, not "*" (1 character) nor "**" (2 characters)');
});

test('collecting secrets stays linear on a long run of letters (the fuzzer found a 60 KB line taking 20 s)', async () => {
  const text = `singleuser:\n  extraPodConfig:\n    hostNetwork: true${'x'.repeat(80_000)}\n`;
  const t0 = Date.now();
  await analyze(text, '/srv/z2jh/values.yaml');
  assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
});
