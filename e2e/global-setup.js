// @ts-check
// Starts distans on a fresh demo database in a temporary directory, on a
// free port, and waits until it is ready (/readyz); then a second one that
// signs in through a real OpenID Connect provider (e2e/oidc), and the
// provider; and a third that sends e-mail to a real SMTP server. The
// returned function
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
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  /** @type {Array<{ name: string, proc: import('node:child_process').ChildProcess, exited: any }>} */
  const procs = [];
  const stopAll = () => {
    for (const p of procs) if (p.exited === null) p.proc.kill('SIGTERM');
  };
  // Also when the runner is interrupted.
  process.on('exit', stopAll);
  const showLog = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  /** Starts a process whose output goes to the log. */
  const start = (name, cmd, args, env, cwd) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env }, cwd });
    const p = { name, proc, exited: null };
    proc.on('exit', (code, signal) => {
      p.exited = { code, signal };
    });
    procs.push(p);
    return p;
  };
  /** Waits until `url` answers 200, or fails naming `p`. */
  const ready = async (p, url) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (p.exited !== null) {
        stopAll();
        throw new Error(`${p.name} exited early (${JSON.stringify(p.exited)}):\n${showLog()}`);
      }
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        stopAll();
        throw new Error(`${p.name} was not ready (${url}) within 60 s:\n${showLog()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** Waits until `port` accepts connections, or fails naming `p`. */
  const listening = async (p, port) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (p.exited !== null) {
        stopAll();
        throw new Error(`${p.name} exited early (${JSON.stringify(p.exited)}):\n${showLog()}`);
      }
      const open = await new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
        c.on('error', () => resolve(false));
      });
      if (open) return;
      if (Date.now() > deadline) {
        stopAll();
        throw new Error(`${p.name} did not listen on port ${port} within 30 s:\n${showLog()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const serve = (db, port, env = {}) => start(
    `distans on port ${port}`,
    BIN,
    ['--database-url', path.join(dir, db), 'serve', '--demo', '--bind', `127.0.0.1:${port}`],
    { RUST_LOG: process.env.RUST_LOG || 'warn', ...env },
  );

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await ready(serve('e2e.db', port), `${base}/readyz`);
  process.env.DISTANS_URL = base;
  console.log(`distans is up at ${base}`);

  // A second distans that signs in through a real OpenID Connect provider
  // (e2e/oidc), for oidc.spec.js.
  const oidcDir = path.join(__dirname, 'oidc');
  if (!fs.existsSync(path.join(oidcDir, 'node_modules', 'oidc-provider'))) {
    stopAll();
    throw new Error('the OpenID Connect provider is not installed: run npm ci in e2e/oidc');
  }
  const [oidcPort, opPort] = [await freePort(), await freePort()];
  const oidcBase = `http://127.0.0.1:${oidcPort}`;
  const issuer = `http://127.0.0.1:${opPort}`;
  await ready(
    serve('e2e-oidc.db', oidcPort, {
      DISTANS_PUBLIC_URL: oidcBase,
      DISTANS_OIDC_ISSUER: issuer,
      DISTANS_OIDC_CLIENT_ID: 'distans',
      DISTANS_OIDC_CLIENT_SECRET: 'distans-e2e-secret',
      DISTANS_OIDC_NAME: 'Sjöviks konto',
      DISTANS_OIDC_CLAIM: 'employee_number',
    }),
    `${oidcBase}/readyz`,
  );
  // The provider knows Anna by her employee number, as distans does.
  const login = await fetch(`${oidcBase}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'hr', password: 'demo' }),
  });
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const annaLogin = await fetch(`${oidcBase}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'anna', password: 'demo' }),
  });
  const annaId = (await annaLogin.json()).person.id;
  const anna = await (await fetch(`${oidcBase}/api/v1/people/${annaId}`, { headers: { cookie } })).json();
  await ready(
    start('the OpenID Connect provider', 'node', ['provider.js'], {
      OIDC_PORT: String(opPort),
      OIDC_CLIENT_SECRET: 'distans-e2e-secret',
      OIDC_REDIRECT_URI: `${oidcBase}/auth/oidc/callback`,
      OIDC_ACCOUNTS: JSON.stringify([
        { login: 'anna', sub: 'op-anna', email: anna.email, employee_number: anna.employee_number },
        { login: 'stranger', sub: 'op-stranger', email: 'ny.person@sjovik.se', employee_number: 'X-1' },
      ]),
    }, oidcDir),
    `${issuer}/.well-known/openid-configuration`,
  );
  process.env.DISTANS_OIDC_URL = oidcBase;
  console.log(`distans with sign-in through ${issuer} is up at ${oidcBase} (databases in ${dir})`);

  // A third distans that sends its e-mail to a real SMTP server (aiosmtpd,
  // saving each message in a maildir), for mail.spec.js: a database of its
  // own, so that a person's language chosen there changes no other test.
  const [smtpPort, mailPort] = [await freePort(), await freePort()];
  const maildir = path.join(dir, 'mail');
  const smtpd = start('the SMTP server (python3 -m aiosmtpd; pip install aiosmtpd)', 'python3', [
    '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir,
  ], {});
  await listening(smtpd, smtpPort);
  const mailBase = `http://127.0.0.1:${mailPort}`;
  await ready(
    serve('e2e-mail.db', mailPort, {
      DISTANS_PUBLIC_URL: mailBase,
      DISTANS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=none`,
    }),
    `${mailBase}/readyz`,
  );
  process.env.DISTANS_MAIL_URL = mailBase;
  process.env.DISTANS_MAILDIR = maildir;
  console.log(`distans sending e-mail to 127.0.0.1:${smtpPort} is up at ${mailBase}`);

  return async () => {
    stopAll();
    await Promise.all(procs.map((p) => new Promise((resolve) => {
      if (p.exited !== null) return resolve(undefined);
      const t = setTimeout(() => {
        p.proc.kill('SIGKILL');
        resolve(undefined);
      }, 5000);
      p.proc.on('exit', () => {
        clearTimeout(t);
        resolve(undefined);
      });
    })));
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
