// @ts-check
// The screenshots in docs/screenshots/, taken by scripts/screenshots.sh with
// the browser suite's settings on a fresh demo database.
const base = require('./playwright.config.js');

module.exports = {
  ...base,
  testDir: './screenshots',
  workers: 1,
  fullyParallel: false,
};
