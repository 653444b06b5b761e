#!/usr/bin/env node
'use strict';
const path = require('path');
const fs = require('fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('hubcfg: not built yet: run `npm run build` (or `npm ci`, which builds) first\n');
  process.exit(2);
}
require(cli).main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exitCode = code; },
  (e) => { process.stderr.write(`hubcfg: internal error: ${(e && e.stack) || e}\n`); process.exitCode = 2; },
);
