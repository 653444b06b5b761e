#!/usr/bin/env node
// UI test in the real VS Code workbench (code-server 4.100.3 = VS Code 1.100.3) driven by Playwright
// and Debian's chromium, on the packaged .vsix installed into a fresh code-server: no other setup.
//
//   1. open examples/insecure/jupyterhub_config.py: squiggles in the editor, entries in Problems
//   2. hover a trait: our hover (type, default, summary) — and the installed JupyterHub's own help
//      when a Python with JupyterHub is found
//   3. open a light bulb on `allow_named_servers = "True"` and apply "Write True": the Problems
//      entry disappears
//   4. open an insecure z2jh values file: its entries in Problems
//   Screenshots of each step go to the artefacts directory.
//
// usage: node test/e2e/ui.e2e.js --vsix out/hubcfg.vsix [--artifacts DIR] [--kit DIR] [--timeout-ms N]
// env: EDITOR_HARNESS_DIR (code-server install), EDITOR_HARNESS_KIT (the kit; default ../shared/editor-harness),
//      HUBCFG_TEST_PYTHON, EDITOR_HARNESS_KEEP=1 (keep the scratch dir and logs)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const KIT = path.resolve(opt('kit', process.env.EDITOR_HARNESS_KIT || path.join(ROOT, '..', 'shared', 'editor-harness')));
const h = require(path.join(KIT, 'common.js'));
const VSIX = path.resolve(opt('vsix', path.join(ROOT, 'out', 'hubcfg.vsix')));
const ART = path.resolve(opt('artifacts', path.join(ROOT, 'test', 'e2e', 'artifacts')));
const TIMEOUT = Number(opt('timeout-ms', 60000));
/** the editor area of a 1280x800 window (for the README's images) */
const EDITOR_CLIP = { x: 348, y: 36, width: 932, height: 476 };

function pythonWithJupyterhub() {
  for (const p of [process.env.HUBCFG_TEST_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!p) continue;
    try {
      cp.execFileSync(p, ['-c', 'import jupyterhub.app'], { stdio: 'ignore', timeout: 20000 });
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const t0 = Date.now();
const lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok });
  lap(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  if (!ok) throw new Error(`${name}${detail ? `: ${detail}` : ''}`);
}

(async () => {
  if (!fs.existsSync(VSIX)) {
    console.error(`ui.e2e: no ${VSIX}: npm run package first`);
    process.exit(2);
  }
  fs.mkdirSync(ART, { recursive: true });
  if (!fs.existsSync(path.join(ART, '.gitignore'))) fs.writeFileSync(path.join(ART, '.gitignore'), '*\n');
  h.exitOnSignals();
  const run = h.scratchDir('hubcfg-ui');
  h.isolateXdg(path.join(run, 'xdg'));
  const userData = path.join(run, 'user-data');
  const extDir = path.join(run, 'extensions');
  const python = pythonWithJupyterhub();

  // the workspace: the repository's insecure example and a z2jh values file, copied (the test edits them)
  const ws = path.join(run, 'hub-deploy');
  fs.mkdirSync(ws, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'examples', 'insecure', 'jupyterhub_config.py'), path.join(ws, 'jupyterhub_config.py'));
  fs.copyFileSync(path.join(ROOT, 'test', 'extension', 'workspace', 'values.yaml'), path.join(ws, 'values.yaml'));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({ ...h.QUIET_SETTINGS, 'hubcfg.pythonInterpreter': python ?? 'off', 'editor.hover.delay': 200, 'editor.lightbulb.enabled': 'on', 'workbench.colorTheme': 'Default Light Modern', 'window.commandCenter': false, 'chat.commandCenter.enabled': false, 'workbench.layoutControl.enabled': false }, null, 2),
  );

  let server;
  let ctx;
  let failure;
  let page;
  const shot = async (name, clip) => {
    const file = path.join(ART, `${name}.png`);
    await page.screenshot({ path: file, clip }).catch(() => undefined);
    lap(`screenshot ${path.relative(ROOT, file)}`);
  };
  try {
    // install the .vsix into a fresh extensions dir, the way a user would
    const t = Date.now();
    cp.execFileSync(process.execPath, [h.codeServerEntry(), '--user-data-dir', userData, '--extensions-dir', extDir, '--install-extension', VSIX], { stdio: 'pipe' });
    const installed = fs.readdirSync(extDir).filter((d) => d.startsWith('hubcfg.hubcfg-'));
    check('the .vsix installs into a fresh code-server', installed.length === 1, `${installed[0]} in ${Date.now() - t} ms`);

    server = await h.startCodeServer({ userDataDir: userData, extensionsDir: extDir, logFile: path.join(run, 'code-server.log') });
    lap(`code-server on ${server.url}${python ? `, introspection with ${python}` : ''}`);
    ctx = await h.launchBrowser(path.join(run, 'profile'), { width: 1280, height: 800 });
    page = ctx.pages()[0] || (await ctx.newPage());
    await page.goto(h.workbenchUrl(server.url, ws));
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
    lap('workbench ready');

    const openFile = async (rel) => {
      const base = path.basename(rel);
      for (let attempt = 1; ; attempt++) {
        try {
          await page.click('.part.sidebar .title-label');
          await page.keyboard.press('Control+P');
          const input = await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10000 });
          await page.keyboard.type(rel, { delay: 15 });
          if ((await input.inputValue()) !== rel) await input.fill(rel);
          await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${base}"]`, { timeout: 10000 });
          await page.keyboard.press('Enter');
          await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${base}"]`, { timeout: 10000 });
          return;
        } catch (e) {
          if (attempt === 3) throw e;
          await page.keyboard.press('Escape');
        }
      }
    };
    const problemsText = () => page.$eval('.markers-panel', (e) => e.innerText).catch(() => '');
    /** Types into the Problems filter (the list is virtualised: only what is on screen is in the DOM). */
    const filterProblems = async (text) => {
      const input = page.locator('input[aria-label="Filter Problems"]').first();
      await input.click();
      await input.fill(text);
      await h.sleep(800);
      lap(`Problems filter "${await input.inputValue()}"`);
    };
    const waitProblems = async (pred, what) => {
      const end = Date.now() + TIMEOUT;
      let text = '';
      while (Date.now() < end) {
        text = await problemsText();
        if (pred(text)) return text;
        await h.sleep(250);
      }
      throw new Error(`Problems panel: ${what} within ${TIMEOUT} ms; it shows:\n${text}`);
    };
    /** The on-screen box of a token: the rendered span in the editor line that contains `lineText`. */
    const tokenBox = async (lineText, token) =>
      page.evaluate(
        ({ lineText, token }) => {
          for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
            if (!line.textContent.replace(/\u00a0/g, ' ').includes(lineText)) continue;
            const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const i = n.textContent.indexOf(token);
              if (i < 0) continue;
              const r = document.createRange();
              r.setStart(n, i);
              r.setEnd(n, i + token.length);
              const b = r.getBoundingClientRect();
              return { x: b.x, y: b.y, width: b.width, height: b.height };
            }
          }
          return null;
        },
        { lineText, token },
      );
    const hoverText = async (box) => {
      await page.mouse.move(5, 5);
      await h.sleep(200);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForSelector('.monaco-hover:not(.hidden) .hover-contents', { timeout: 15000 });
      await h.sleep(300);
      // a hover over a squiggle has the finding's part first, then the trait's docs: read every part
      return page.$$eval('.monaco-hover:not(.hidden) .hover-contents', (els) => els.map((e) => e.innerText).join('\n'));
    };

    // 1. the insecure example: squiggles and Problems entries
    await openFile('jupyterhub_config.py');
    await page.keyboard.press('Control+Shift+M');
    await waitProblems((t) => /jupyterhub_config\.py\s*\n\s*\d+/.test(t), 'the config\'s problems');
    const count = Number((await problemsText()).match(/jupyterhub_config\.py\s*\n\s*(\d+)/)[1]);
    await shot('problems');
    await filterProblems('traitlets/');
    const problems = await waitProblems((t) => t.includes('has no trait "admin_acess"') && t.includes("expects a boolean, not the string 'True'"), 'the traitlets findings');
    await shot('problems-filtered');
    check('Problems lists the config\'s findings with rule codes and positions', count >= 10 && problems.includes('traitlets/unknown-trait') && /traitlets\/type-mismatch\)?\s*\[Ln 17, Col 36\]/.test(problems), `${count} entries`);
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: TIMEOUT });
    const squiggles = await page.evaluate(() => Object.fromEntries(['error', 'warning', 'info'].map((s) => [s, document.querySelectorAll(`.monaco-editor .squiggly-${s}`).length])));
    check('squiggles in the editor', squiggles.error > 0 && squiggles.warning > 0, JSON.stringify(squiggles));
    const status = await page.$eval('[id="status.problems"]', (e) => e.getAttribute('aria-label') || e.innerText).catch(() => '');
    lap(`status bar: ${status}`);

    // 2. hover a trait (wait for introspection first when there is a Python with JupyterHub)
    let box = await tokenBox('c.Spawner.mem_limit', 'mem_limit');
    check('the trait is on screen', !!box);
    let hover = '';
    const wantUpstream = !!python;
    const end = Date.now() + TIMEOUT;
    do {
      hover = await hoverText(box);
      if (!wantUpstream || /Help from JupyterHub/.test(hover)) break;
      await h.sleep(1000);
    } while (Date.now() < end);
    check('hover on a trait shows its type, default and summary', /Spawner\.mem_limit/.test(hover) && /ByteSpecification/.test(hover), hover.split('\n').slice(0, 3).join(' | '));
    if (wantUpstream) check('hover shows the installed JupyterHub\'s own help', /Help from JupyterHub [\d.]+ in/.test(hover) && /Maximum number of bytes/.test(hover));
    await shot('hover-trait');
    await shot('hover-trait-editor', EDITOR_CLIP);

    // hover a squiggle: the diagnostic with its code
    box = await tokenBox('c.JupyterHub.admin_acess', 'admin_acess');
    hover = await hoverText(box);
    check('hover on a squiggle shows the finding and its rule', /has no trait "admin_acess"/.test(hover) && /traitlets\/unknown-trait/.test(hover));
    await shot('hover-diagnostic');

    // 3. a quick fix from the light bulb
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    box = await tokenBox('allow_named_servers', '"True"');
    check('the wrongly typed value is on screen', !!box);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // VS Code 1.100 shows the light bulb in the gutter when the line has room, else over the text
    const bulb = page.locator('.lightBulbWidget, [class*="gutter-lightbulb"] >> visible=true').first();
    await bulb.waitFor({ state: 'visible', timeout: 15000 });
    await h.sleep(300);
    await shot('lightbulb');
    await bulb.click();
    await page.waitForSelector('.action-widget .monaco-list-row:has-text("Write True")', { timeout: 15000 });
    await shot('quick-fix-menu');
    await shot('quick-fix-menu-editor', EDITOR_CLIP);
    // the menu is keyboard-driven (a pointer block lies over it for synthetic clicks): go to the fix, Enter
    for (let i = 0; i < 8; i++) {
      const focused = await page.$eval('.action-widget .monaco-list-row.focused', (e) => e.innerText).catch(() => '');
      if (focused.includes('Write True')) break;
      await page.keyboard.press('ArrowDown');
      await h.sleep(100);
    }
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-editor .view-line')].some((l) => l.textContent.replace(/\u00a0/g, ' ').includes('allow_named_servers = True')), null, { timeout: 15000 });
    await filterProblems('traitlets/type-mismatch');
    await waitProblems((t) => !t.includes("expects a boolean, not the string 'True'") && t.includes('Spawner.start_timeout expects an int'), 'the fixed entry to disappear');
    await filterProblems('');
    const left = Number((await waitProblems((t) => /jupyterhub_config\.py\s*\n\s*\d+/.test(t), 'the count')).match(/jupyterhub_config\.py\s*\n\s*(\d+)/)[1]);
    check('applying the fix from the light bulb removes its Problems entry', left === count - 1, `${count} -> ${left} entries`);
    await shot('after-quick-fix');

    // the language status item: kind of file, versions, where the docs come from
    await page.click('[id="status.languageStatus"]').catch(() => undefined);
    const lang = await page.waitForSelector('.context-view .hover-language-status, .monaco-hover .hover-language-status', { timeout: 10000 }).then((e) => e.innerText()).catch(() => '');
    await h.sleep(800);
    check('the language status item names the file kind and the JupyterHub version', /JupyterHub config/.test(lang) && /JupyterHub \d+\.\d+/.test(lang), lang.replace(/\s+/g, ' ').slice(0, 160));
    await shot('language-status');
    await page.keyboard.press('Escape');

    // 4. the z2jh values file
    await openFile('values.yaml');
    await filterProblems('values.yaml');
    const vp = await waitProblems((t) => t.includes('memmory') && t.includes('admin_acess'), 'the values file\'s problems');
    check('Problems lists the z2jh values file\'s findings', vp.includes('values.yaml') && vp.includes('z2jh/unknown-key') && vp.includes('traitlets/unknown-trait'));
    box = await tokenBox('memmory', 'memmory');
    if (box) {
      hover = await hoverText(box);
      lap(`hover on a chart key squiggle: ${hover.split('\n')[0]}`);
    }
    await shot('z2jh-values');
  } catch (e) {
    failure = e.message.split('\n').slice(0, 12).join('\n');
    if (page) await shot('failure');
  } finally {
    if (ctx) await ctx.close().catch(() => undefined);
    if (server) await server.stop();
    if (!failure && process.env.EDITOR_HARNESS_KEEP !== '1') fs.rmSync(run, { recursive: true, force: true });
    else console.log(`ui.e2e: logs kept in ${run} (code-server.log; user-data/logs/*/exthost*/hubcfg.hubcfg/)`);
  }
  const passed = results.filter((r) => r.ok).length;
  console.log(failure ? `RESULT: FAIL (${failure})` : `RESULT: PASS (${passed} checks)`, `in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(failure ? 1 : 0);
})();
