// extensionTestsPath: the extension host requires this module and calls run().
'use strict';
const path = require('path');
const Mocha = require('mocha');

exports.run = () => {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90000, color: false, reporter: 'spec' });
  if (process.env.HUBCFG_EXT_GREP) mocha.grep(process.env.HUBCFG_EXT_GREP);
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension tests failed`)) : resolve()));
  });
};
