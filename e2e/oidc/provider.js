// A real OpenID Connect provider (the oidc-provider package) for the tests
// of sign-in through an identity provider. It has one confidential client
// (distans), the accounts it is given, a plain sign-in form, and
// RP-initiated logout. When it listens it prints one line:
//   ready http://127.0.0.1:PORT
// and the issuer is that address.
//
// Settings, from the environment:
//   OIDC_PORT                 port to listen on (default: any free one)
//   OIDC_CLIENT_ID            the client's id (default distans)
//   OIDC_CLIENT_SECRET        its secret (default distans-test-secret)
//   OIDC_REDIRECT_URI         distans' callback, e.g. http://127.0.0.1:8080/auth/oidc/callback
//   OIDC_POST_LOGOUT_REDIRECT_URI  where to go after signing out (default: distans' /logga-in)
//   OIDC_ACCOUNTS             JSON: [{"login", "password"?, "sub", "email"?, "employee_number"?, "name"?}]
//                             ("password" defaults to "demo")
//   OIDC_CLOCK_OFFSET_SECONDS the provider's clock runs this far off (negative: behind), so that
//                             the ID tokens it signs have already expired
//   OIDC_FORGE=1              sign ID tokens with a key that the published key set does not hold
//                             (the published set has another key under the same key id)

import http from 'node:http';
import crypto from 'node:crypto';

const offset = Number(process.env.OIDC_CLOCK_OFFSET_SECONDS || 0) * 1000;
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}
const { default: Provider, errors } = await import('oidc-provider');

const clientId = process.env.OIDC_CLIENT_ID || 'distans';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'distans-test-secret';
const redirectUri = process.env.OIDC_REDIRECT_URI;
if (!redirectUri) {
  console.error('OIDC_REDIRECT_URI must be set (distans\' /auth/oidc/callback)');
  process.exit(2);
}
const postLogout = process.env.OIDC_POST_LOGOUT_REDIRECT_URI
  || new URL('/logga-in', redirectUri).toString();
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '[]');

function rsaJwk(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}
// A new signing key each start: a restart is a key rotation.
const kid = crypto.randomUUID();
const signing = rsaJwk(kid);
const published = process.env.OIDC_FORGE === '1' ? rsaJwk(kid) : signing;
const publicOnly = ({ kty, n, e, kid: k, use, alg }) => ({ kty, n, e, kid: k, use, alg });

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

const server = http.createServer();
server.listen(Number(process.env.OIDC_PORT || 0), '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogout],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signing] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  // A day to sign in, so that a clock set behind still gives cookies that
  // live long enough; ID tokens live an hour.
  ttl: { Interaction: 86400, IdToken: 3600 },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'employee_number'],
  },
  // The claims of the scopes asked for go in the ID token, as Entra ID
  // puts them there.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`);
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const a = accounts.find((x) => x.sub === sub);
    if (!a) return undefined;
    return {
      accountId: a.sub,
      claims: async () => ({
        sub: a.sub,
        ...(a.email ? { email: a.email, email_verified: true } : {}),
        ...(a.employee_number ? { employee_number: a.employee_number } : {}),
        ...(a.name ? { name: a.name } : {}),
      }),
    };
  },
  // distans is the organisation's own application: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Error', `<p id="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
});

// The published key set: in forging mode, not the key that signs.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/jwks' && ctx.status === 200) {
    ctx.body = { keys: [publicOnly(published)] };
  }
});

function loginForm(uid, error) {
  return page('Sign in', `${error ? `<p id="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <label for="login">Username</label> <input id="login" name="login" autocomplete="username">
  <label for="password">Password</label> <input id="password" name="password" type="password">
  <button type="submit">Sign in</button>
</form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) break;
  }
  return new URLSearchParams(body);
}

const handler = provider.callback();
server.on('request', async (req, res) => {
  const m = /^\/interaction\/([^/?]+)$/.exec(req.url.split('?')[0]);
  if (!m) {
    handler(req, res);
    return;
  }
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(loginForm(details.uid));
      return;
    }
    const form = await readForm(req);
    const a = accounts.find((x) => x.login === form.get('login'));
    if (!a || form.get('password') !== (a.password || 'demo')) {
      res.statusCode = 401;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(loginForm(details.uid, 'Wrong username or password'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: a.sub } }, { mergeWithLastSubmission: false });
  } catch (e) {
    res.statusCode = e instanceof errors.SessionNotFound ? 400 : 500;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(page('Error', `<p id="error">${escape(e.message)}</p>`));
  }
});

console.log(`ready ${issuer}`);
