// @ts-check
// Starts distans on a fresh demo database in a temporary directory, on a
// free port, and waits until it is ready (/readyz). The returned function
// stops it, and fails the run if the server showed a key for want of its
// text on any page.
// Fails loudly (never skips) when Chromium or the binary is missing.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BIN = path.resolve(
  __dirname,
  process.env.DISTANS_BIN || path.join('..', 'target', 'debug', 'distans'),
);

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function executable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

module.exports = async function globalSetup() {
  if (!executable(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it: apt-get update && apt-get install -y chromium`,
    );
  }
  if (!executable(BIN)) {
    throw new Error(
      `distans binary not found at ${BIN}. Build it (cargo build -p distans) or set DISTANS_BIN.`,
    );
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distans-e2e-'));
  const db = path.join(dir, 'e2e.db');
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  const server = spawn(
    BIN,
    ['--database-url', db, 'serve', '--demo', '--bind', `127.0.0.1:${port}`],
    { stdio: ['ignore', log, log], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } },
  );
  let exited = null;
  server.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const stop = () => {
    if (exited === null) server.kill('SIGTERM');
  };
  // Also when the runner is interrupted.
  process.on('exit', stop);

  const showLog = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      throw new Error(`distans exited early (${JSON.stringify(exited)}):\n${showLog()}`);
    }
    try {
      const r = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`distans was not ready (/readyz) within 60 s:\n${showLog()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  process.env.DISTANS_URL = base;
  console.log(`distans is up at ${base} (database ${db})`);

  return async () => {
    stop();
    await new Promise((resolve) => {
      if (exited !== null) return resolve(undefined);
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        resolve(undefined);
      }, 5000);
      server.on('exit', () => {
        clearTimeout(t);
        resolve(undefined);
      });
    });
    fs.closeSync(log);
    const missing = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('a text is missing'));
    if (!process.env.E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    if (missing.length > 0) {
      throw new Error(`pages asked for texts that do not exist:\n${missing.join('\n')}`);
    }
  };
};
