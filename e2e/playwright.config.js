// @ts-check
// Browser tests for distans. Playwright is the runner only: the browser is
// Debian's Chromium (no browser download), and the server is started by
// global-setup.js on a fresh demo database.
const { defineConfig } = require('@playwright/test');

const chromium = process.env.CHROMIUM || '/usr/bin/chromium';

module.exports = defineConfig({
  testDir: './tests',
  globalSetup: require.resolve('./global-setup.js'),
  // The server is shared and every test signs in on its own; two cores.
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  // A safety net only: the suite takes about three minutes on two cores.
  globalTimeout: 600_000,
  reporter: [['list'], ['./summary-reporter.js']],
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'sv-SE',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
