import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze } from '../server/src/engine';
import { rbacRelease, scopeTableForRelease, catalogReleases, pythonMatchRegex } from '../server/src/rbac/catalog';
import { rbacBehaviour } from '../server/src/rbac/behaviour';
import { checkScope } from '../server/src/rbac/scopes';
import { expandScope } from '../server/src/rbac/expand';
import { decodePyStringSource } from '../server/src/rbac/pystr';
import { scopeHover, roleHover, scopeCompletions, rbacHoverAt, scopeCompletionContext, rbacTargetAt } from '../server/src/rbac/features';
import { modelFromPython } from '../server/src/model/fromPython';
import { traitCatalog } from '../server/src/catalog/traits';
import { repairRoleName } from '../server/src/rules/rbac/invalidRoleName';

async function rbacErrors(text: string, version: string): Promise<string[]> {
  const r = await analyze(text, '/tmp/x/jupyterhub_config.py', { jupyterhubVersion: version });
  return r.diagnostics.filter((d) => d.rule.startsWith('rbac/') && d.severity === 'error').map((d) => d.rule);
}

test('versions map to the newest catalogue release of their series', () => {
  assert.equal(rbacRelease('5.5'), '5.5.1');
  assert.equal(rbacRelease('6.0'), '6.0.0b2');
  assert.equal(rbacRelease('5.2.1'), '5.2.1');
  assert.equal(rbacRelease('5.2.7'), '5.2.1');
  assert.equal(rbacRelease('3.0'), '3.0.0');
  assert.equal(rbacRelease('3'), '3.1.1');
  assert.equal(rbacRelease('3.2'), '3.1.1');
  assert.equal(rbacRelease('2.0'), '2.0.2');
  assert.equal(rbacRelease('2.0.0'), '2.0.0');
  assert.equal(rbacRelease('7.1'), catalogReleases().at(-1));
  assert.equal(rbacRelease('1.5'), undefined);
});

test('the catalogue is consistent: default roles and subscopes only name scopes of their release', () => {
  for (const r of catalogReleases()) {
    const t = scopeTableForRelease(r);
    for (const [role, scopes] of Object.entries(t.defaultRoles)) {
      for (const s of scopes) assert.ok(t.has(s.split('!')[0]), `${r}: default role ${role} has unknown scope ${s}`);
    }
    for (const n of t.names) for (const s of t.subscopes(n)) assert.ok(t.has(s), `${r}: ${n} has unknown subscope ${s}`);
  }
});

test('role names: JupyterHub\'s pattern with Python\'s $ (upstream test_valid_names cases plus edge cases)', () => {
  const re = scopeTableForRelease('5.5.1').roleNamePattern;
  const cases: [string, boolean][] = [
    // jupyterhub/tests/test_roles.py::test_valid_names (2.3.1 to 6.0.0b2)
    ['abc', true],
    ['group', true],
    ['a-pretty-long-name-with-123', true],
    ['0-abc', false],
    ['role-', false],
    ['has-Uppercase', false],
    ['a'.repeat(256), false],
    ['has space', false],
    // edge cases
    ['abc\n', true],
    ['abc\n\n', false],
    ['abc\r', false],
    ['ab\n', false],
    ['ab', false],
    ['a'.repeat(255), true],
    ['a'.repeat(255) + '\n', true],
    ['a--b', true],
    ['a.b~c_d', true],
    ['abc.', false],
    ['é-abc', false],
  ];
  for (const [name, ok] of cases) assert.equal(re.test(name), ok, JSON.stringify(name));
  assert.equal(repairRoleName('Data Science'), 'data-science');
  assert.equal(repairRoleName('ab'), 'ab-role');
  assert.equal(repairRoleName('9lives'), 'role-9lives');
  assert.ok(re.test(repairRoleName('__X__')!));
});

test('python regex conversion keeps re.match semantics', () => {
  const re = pythonMatchRegex('^custom:[a-z0-9][a-z0-9_\\-\\*:]+[a-z0-9_\\*]$');
  assert.ok(re.test('custom:x:*'));
  assert.ok(re.test('custom:abc\n'));
  assert.ok(!re.test('custom:ab'));
  assert.ok(!re.test('custom:abc-'));
  assert.ok(!re.test('custom:Abc'));
});

test('scope check: 2.x substring filters versus 3.0+ exact/prefix filters (docs/dev/rbac-validation.md §2)', () => {
  const v2 = rbacBehaviour('2.3')!;
  const v3 = rbacBehaviour('3.0')!;
  const ok = (s: string, b = v3) => checkScope(s, b, new Set()) === undefined;
  // accepted everywhere
  for (const s of ['read:users!user=', 'read:users!user=a!b', 'read:users!user', 'read:users!group=x', 'read:users!', 'shutdown!user=x', '(no_scope)']) {
    assert.ok(ok(s, v2), `2.x ${s}`);
    assert.ok(ok(s, v3), `3.0 ${s}`);
  }
  // 2.x only
  for (const s of ['read:users!users=x', 'read:users!userfoo', 'read:users!x!user=y']) {
    assert.ok(ok(s, v2), `2.x ${s}`);
    assert.ok(!ok(s, v3), `3.0 ${s}`);
  }
  // 3.0+ only
  for (const s of ['read:users!server', 'read:users!service']) {
    assert.ok(!ok(s, v2), `2.x ${s}`);
    assert.ok(ok(s, v3), `3.0 ${s}`);
  }
  // rejected everywhere
  for (const s of ['read:users!group', 'read:users!goup=x', 'Read:users', ' read:users', 'all', 'all!user']) {
    assert.ok(!ok(s, v2), `2.x ${s}`);
    assert.ok(!ok(s, v3), `3.0 ${s}`);
  }
  assert.equal(checkScope('all', v3, new Set())?.kind, 'draft-all');
  assert.equal(checkScope('admin-ui', v2, new Set())?.kind, 'unknown');
  assert.equal(checkScope('custom:x', v3, new Set())?.kind, 'undefined-custom');
  assert.equal(checkScope('custom:x', v3, undefined), undefined);
  assert.equal(checkScope('custom:x', v2, undefined)?.kind, 'unknown');
  assert.equal(checkScope('start:servers', rbacBehaviour('5.5')!, new Set())?.kind, 'unknown');
  assert.equal(checkScope('start:servers', rbacBehaviour('6.0')!, new Set()), undefined);
});

test('custom scope definitions: upstream test_custom_scopes and test_custom_scopes_bad cases', async () => {
  const good = [
    '{"custom:okay": {"description": "simple custom scope"}}',
    '{"custom:parent": {"description": "parent", "subscopes": ["custom:child"]}, "custom:child": {"description": "child"}}',
    '{"custom:extra": {"description": "I have extra info", "extra": "warn about me"}}',
  ];
  const bad = [
    '{"read:users": {"description": "Can\'t override"}}',
    '{"custom:empty": {}}',
    '{"notcustom:prefix": {"descroption": "bad prefix"}}',
    '{"custom:!illegal": {"descroption": "bad character"}}',
    '{"custom:badsubscope": {"description": "non-custom subscope not allowed", "subscopes": ["read:users"]}}',
    '{"custom:nosubscope": {"description": "subscope not defined", "subscopes": ["custom:undefined"]}}',
    '{"custom:badsubscope": {"description": "subscope not a list", "subscopes": "custom:notalist"}, "custom:notalist": {"description": "the subscope"}}',
  ];
  for (const v of ['3.0', '4.1', '5.5', '6.0']) {
    for (const g of good) assert.deepEqual(await rbacErrors(`c.JupyterHub.custom_scopes = ${g}\n`, v), [], `${v} ${g}`);
    for (const b of bad) assert.ok((await rbacErrors(`c.JupyterHub.custom_scopes = ${b}\n`, v)).includes('rbac/invalid-custom-scope'), `${v} ${b}`);
  }
  // 2.x has no custom_scopes: nothing to judge
  for (const b of bad) assert.deepEqual(await rbacErrors(`c.JupyterHub.custom_scopes = ${b}\n`, '2.3'), []);
});

test('version-dependent verdicts (one config, several versions)', async () => {
  const cases: [string, Record<string, boolean>][] = [
    ['c.JupyterHub.load_roles = [{"name": "r1x", "scopes": ["read:users!server"], "users": ["a"]}]', { '2.3': true, '3.0': false, '5.5': false }],
    ['c.JupyterHub.load_roles = [{"name": "r1x", "users": ["a"]}]', { '2.3': true, '3.0': true, '3.1': false, '5.5': false }],
    ['c.JupyterHub.load_roles = [{"name": "r1x", "scopes": ("self",), "users": ["a"]}]', { '4.1': true, '5.0': false }],
    ['c.JupyterHub.load_roles = [{"name": "r1x", "scopes": ["shares"], "users": ["a"]}]', { '4.1': true, '5.0': false }],
    ['c.Authenticator.manage_roles = True\nc.JupyterHub.load_roles = [{"name": "r1x", "scopes": ["self"], "users": ["a"]}]', { '4.1': false, '5.0': true }],
    ['c.JupyterHub.load_roles = [{"name": "r1x", "scopes": ["self"], "users": [" a"]}]', { '2.3': false, '3.0': true }],
    ['c.JupyterHub.service_tokens = {"t0123456789": "svc"}\nc.JupyterHub.load_roles = [{"name": "token", "scopes": ["read:hub"]}]', { '2.3': false, '3.0': true }],
  ];
  for (const [text, want] of cases) {
    for (const [v, refuses] of Object.entries(want)) {
      const errs = await rbacErrors(text + '\n', v);
      assert.equal(errs.length > 0, refuses, `${v}: ${text} -> ${errs.join(', ')}`);
    }
  }
});

test('values that are not literals never produce errors', async () => {
  const text = [
    'import os',
    'ROLES = []',
    'c.JupyterHub.load_roles = ROLES',
    'c.JupyterHub.load_roles.append({"name": os.environ["ROLE"], "scopes": SCOPES, "users": get_users()})',
    'c.JupyterHub.load_roles.append(make_role("x"))',
    'c.JupyterHub.load_roles += extra_roles',
    'c.JupyterHub.load_roles.append({"name": "ok-role", "scopes": [os.environ.get("SCOPE", "self")], "services": [svc_name]})',
    'c.JupyterHub.load_roles.append({**base, "name": "x"})',
    'c.JupyterHub.custom_scopes = load_scopes()',
    'c.JupyterHub.load_roles.append({"name": "c1x", "scopes": ["custom:anything"], "users": ["a"]})',
    'c.Spawner.server_token_scopes = token_scopes',
    '',
  ].join('\n');
  for (const v of ['2.3', '3.0', '5.5', '6.0']) {
    const errs = (await rbacErrors(text, v)).filter((r) => r !== 'rbac/unknown-scope' || v !== '2.3');
    assert.deepEqual(errs, [], v);
  }
});

test('string literals are read as Python decodes them', () => {
  assert.equal(decodePyStringSource(String.raw`'abc\n'`), 'abc\n');
  assert.equal(decodePyStringSource(String.raw`r'abc\n'`), 'abc\\n');
  assert.equal(decodePyStringSource(`'a' "b"`), 'ab');
  assert.equal(decodePyStringSource(String.raw`'\x41\u00e9\101'`), 'AéA');
  assert.equal(decodePyStringSource(`b'x'`), undefined);
  assert.equal(decodePyStringSource(`f'{x}'`), undefined);
});

test('expansion re-applies filters and, from 4.0, drops read:users* under a server filter', () => {
  const v5 = scopeTableForRelease('5.5.1');
  const v3 = scopeTableForRelease('3.0.0');
  assert.deepEqual(expandScope('read:servers!server=u/s', v5).sort(), ['read:servers!server=u/s']);
  assert.ok(expandScope('read:servers!server=u/s', v3).includes('read:users:name!server=u/s'));
  assert.ok(expandScope('admin:users', v5).includes('read:users:name'));
  assert.ok(expandScope('shares', v5).includes('access:servers'));
  assert.ok(expandScope('servers', scopeTableForRelease('6.0.0b2')).includes('start:servers'));
});

test('editor features: hover, completion, targets', async () => {
  const h = scopeHover('5.5', 'read:users!group=staff')!;
  assert.match(h, /read:users:name!group=staff/);
  assert.match(h, /members of the named group/);
  assert.match(scopeHover('5.5', 'start:servers')!, /added in 6\.0\.0b2/);
  assert.match(scopeHover('5.5', 'read:user')!, /Did you mean `read:users`/);
  assert.match(scopeHover('3.0', 'read:users!group')!, /rejected/);
  assert.match(scopeHover('5.5', 'self')!, /access:servers/);
  const rh = roleHover('5.5', { name: 'tas', scopes: ['users', 'bogus'], groups: ['tas'], unknownMembers: [] })!;
  assert.match(rh, /read:users:name/);
  assert.match(rh, /Rejected by JupyterHub 5\.5/);
  assert.match(rh, /groups: `tas`/);
  const names = scopeCompletions('5.5', 'read:u').map((c) => c.label);
  assert.ok(names.includes('read:users') && names.includes('read:users:name'));
  assert.ok(!names.includes('admin:users'));
  const filters2 = scopeCompletions('2.3', 'read:users!').map((c) => c.label);
  const filters3 = scopeCompletions('3.0', 'read:users!').map((c) => c.label);
  assert.ok(!filters2.includes('!server') && filters3.includes('!server') && !filters3.includes('!group'));
  assert.ok(filters3.includes('!group='));
  assert.ok(scopeCompletions('3.0', 'cus', ['custom:grades']).some((c) => c.label === 'custom:grades'));

  const text = 'c.JupyterHub.custom_scopes = {"custom:grades": {"description": "Grades", "subscopes": []}}\nc.JupyterHub.load_roles = [{"name": "tas", "scopes": ["read:users", "custom:grades"], "groups": ["tas"]}]\n';
  const model = await modelFromPython(text);
  const traits = traitCatalog('5.5');
  const at = (s: string, k = 1) => text.indexOf(s) + k;
  assert.equal(rbacTargetAt(model, traits, '5.5', at('"tas"'))?.kind, 'role');
  assert.match(rbacHoverAt(model, traits, '5.5', at('"tas"'))!.markdown, /Members: groups: `tas`/);
  assert.match(rbacHoverAt(model, traits, '5.5', at('"custom:grades"]'))!.markdown, /custom scope/);
  const ctx = scopeCompletionContext(model, traits, at('"read:users"', 6))!;
  assert.equal(ctx.prefix, 'read:');
  assert.deepEqual(ctx.customScopes, ['custom:grades']);
});
