// The sandbox's payer pages in a real browser (Debian's headless Chromium through
// playwright-core): a payer opens a payment link, clicks a button, and the merchant side sees
// the notification arrive and the transaction in the right state.
//
// Run through `bash tests/browser/run`, which installs Chromium and node_modules, builds the
// CLI, starts `paywire sandbox --port 0 --json` and sets:
//   PAYWIRE_SANDBOX_URL        the sandbox, http://127.0.0.1:PORT
//   PAYWIRE_CHROMIUM           the browser binary (default: `command -v chromium`)
//   PAYWIRE_BROWSER_ARTIFACTS  where screenshots go (default: a new temp dir)
// Everything talks to 127.0.0.1 only.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';

// ---------------------------------------------------------------------------------------------
// Settings

const SANDBOX = (process.env.PAYWIRE_SANDBOX_URL || '').replace(/\/+$/, '');
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(SANDBOX)) {
  throw new Error(
    `PAYWIRE_SANDBOX_URL must be http://127.0.0.1:PORT (got ${JSON.stringify(SANDBOX)}); run tests/browser/run`,
  );
}

// paywire_sandbox::credentials (sandbox/src/lib.rs)
const SAFERPAY = {
  customerId: '123456',
  terminalId: '17757531',
  user: 'API_123456_17757531',
  password: 'sandbox-saferpay-password-3141',
  specVersion: '1.53',
};
const SECUCONNECT = {
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret-2718',
};

const ARTIFACTS =
  process.env.PAYWIRE_BROWSER_ARTIFACTS || mkdtempSync(join(tmpdir(), 'paywire-browser-'));
mkdirSync(ARTIFACTS, { recursive: true });

const WAIT_MS = 15_000;

function chromiumPath() {
  if (process.env.PAYWIRE_CHROMIUM) return process.env.PAYWIRE_CHROMIUM;
  try {
    return execFileSync('bash', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("Debian's chromium is not installed (apt-get install -y chromium); run tests/browser/run");
  }
}

// ---------------------------------------------------------------------------------------------
// A merchant-side listener on 127.0.0.1:0: records every request (notifications, pushes) and
// serves a small "back in the shop" page for return URLs.

class Listener {
  constructor() {
    this.requests = [];
    this.waiters = [];
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url, this.base);
        const entry = {
          method: req.method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(entry);
        if (url.pathname.startsWith('/return/')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(
            '<!DOCTYPE html><html><head><title>Shop</title></head><body>' +
              `<h1 id="returned">Back in the shop</h1><p id="where">${url.pathname}</p></body></html>`,
          );
        } else {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('OK');
        }
        for (const w of [...this.waiters]) {
          if (w.predicate(entry)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            clearTimeout(w.timer);
            w.resolve(entry);
          }
        }
      });
    });
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.base = `http://127.0.0.1:${this.server.address().port}`;
  }

  url(path) {
    return this.base + path;
  }

  /** The first request (past or future) matching the predicate, or a rejection after ms. */
  waitFor(label, predicate, ms = WAIT_MS) {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { predicate, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(
          new Error(
            `${label}: nothing arrived within ${ms} ms; the listener saw ${JSON.stringify(
              this.requests.map((r) => `${r.method} ${r.path}`),
            )}`,
          ),
        );
      }, ms);
      this.waiters.push(w);
    });
  }

  matching(predicate) {
    return this.requests.filter(predicate);
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// ---------------------------------------------------------------------------------------------
// Plain-fetch clients of the sandbox

const basic = (user, password) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const requestId = () => randomUUID().replace(/-/g, '');

async function call(method, url, { headers = {}, json, form } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers } };
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let body = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body, text };
}

function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  return res.body;
}

const admin = (method, path, json) => call(method, `${SANDBOX}/_sandbox${path}`, { json });

/** Saferpay Management API (`/api/rest/customers/{cid}/...`). */
const management = (method, path, json) =>
  call(method, `${SANDBOX}/api/rest/customers/${SAFERPAY.customerId}${path}`, {
    json,
    headers: {
      authorization: basic(SAFERPAY.user, SAFERPAY.password),
      'saferpay-apiversion': SAFERPAY.specVersion,
      'saferpay-requestid': requestId(),
    },
  });

/** Saferpay JSON API (`/api/Payment/v1/...`). */
const jsonApi = (path, body) =>
  call('POST', `${SANDBOX}/api/Payment/v1/${path}`, {
    headers: { authorization: basic(SAFERPAY.user, SAFERPAY.password) },
    json: {
      RequestHeader: {
        SpecVersion: SAFERPAY.specVersion,
        CustomerId: SAFERPAY.customerId,
        RequestId: requestId(),
        RetryIndicator: 0,
      },
      ...body,
    },
  });

/** `yyyy-MM-ddTHH:mm:ss+00:00`, `days` from now. */
function expirationInDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const orderId = (prefix) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

// ---------------------------------------------------------------------------------------------
// Browser

let browser;
let listener;
let shotNumber = 0;

async function screenshot(t, page, name) {
  shotNumber += 1;
  const file = join(ARTIFACTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 1000, `screenshot ${file} is suspiciously small`);
  t.diagnostic(`screenshot: ${file}`);
  return file;
}

async function withPage(fn) {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  // Only loopback: anything else would be a bug in a page (the pages have no external assets).
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort();
  });
  try {
    return await fn(page);
  } finally {
    await context.close();
  }
}

before(async () => {
  listener = new Listener();
  await listener.start();
  const executablePath = chromiumPath();
  browser = await chromium.launch({
    executablePath,
    headless: true,
    chromiumSandbox: false,
    args: ['--no-sandbox', '--headless', '--no-proxy-server', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
  process.stdout.write(
    `chromium ${browser.version()} (${executablePath}); sandbox ${SANDBOX}; listener ${listener.base}; screenshots in ${ARTIFACTS}\n`,
  );
  const info = expectStatus(await admin('GET', '/info'), 200, 'sandbox info');
  assert.ok(info, 'the sandbox answers /_sandbox/info');
});

after(async () => {
  await browser?.close();
  await listener?.stop();
  process.stdout.write(`screenshots of the payer pages: ${ARTIFACTS}\n`);
});

// ---------------------------------------------------------------------------------------------
// 1. Secure PayGate offer: payment link → Pay → SPG success notification → Assert → offer PAID

test('Secure PayGate offer: the payment link is paid in Chromium, the notification arrives, the transaction is AUTHORIZED', async (t) => {
  const tag = randomUUID().slice(0, 8);
  const cfg = expectStatus(
    await admin('POST', '/config', {
      spg_success_notify_url: listener.url(`/spg/${tag}/success?token={{{PAYMENTPAGETOKEN}}}`),
      spg_fail_notify_url: listener.url(`/spg/${tag}/fail?token={{{PAYMENTPAGETOKEN}}}`),
      spg_success_url: listener.url(`/return/spg/${tag}/success?token={{{PAYMENTPAGETOKEN}}}`),
      spg_fail_url: listener.url(`/return/spg/${tag}/fail`),
      spg_abort_url: listener.url(`/return/spg/${tag}/abort`),
    }),
    200,
    'POST /_sandbox/config',
  );
  assert.ok(JSON.stringify(cfg).includes(`/spg/${tag}/success`), 'config took the notify URL');

  const order = orderId('browser-offer');
  const offer = expectStatus(
    await management('POST', `/terminals/${SAFERPAY.terminalId}/spg-offers`, {
      Payment: {
        Amount: { Value: '404', CurrencyCode: 'CHF' },
        OrderId: order,
        Description: 'paywire browser test: offer',
      },
      ExpirationDate: expirationInDays(2),
      Payer: {},
    }),
    200,
    'create offer',
  );
  assert.match(offer.OfferId, /\S/);
  assert.ok(offer.PaymentLink.startsWith(`${SANDBOX}/SecurePayGate/Payment/`), offer.PaymentLink);

  const token = await withPage(async (page) => {
    const res = await page.goto(offer.PaymentLink);
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent('#status'), 'OPEN');
    assert.equal(await page.textContent('#amount'), '4.04 CHF');
    assert.equal(await page.textContent('#order-id'), order);
    assert.ok(await page.isVisible('#pay'), 'the offer page shows #pay');
    await screenshot(t, page, 'spg-offer-page');

    await Promise.all([page.waitForURL(`${listener.base}/return/spg/${tag}/success**`), page.click('#pay')]);
    assert.equal(await page.textContent('#returned'), 'Back in the shop');
    const landed = new URL(page.url());

    const notified = await listener.waitFor(
      'SPG success notification',
      (r) => r.path === `/spg/${tag}/success`,
    );
    assert.equal(notified.method, 'GET');
    const tok = notified.query.token;
    assert.ok(tok && !tok.includes('{'), `token substituted: ${tok}`);
    assert.equal(landed.searchParams.get('token'), tok, 'the browser was sent to spg_success_url with the same token');
    assert.equal(listener.matching((r) => r.path === `/spg/${tag}/fail`).length, 0, 'no fail notification');

    // The link is used up: the page now says so and has no buttons.
    await page.goto(offer.PaymentLink);
    assert.equal(await page.textContent('#status'), 'PAID');
    assert.equal(await page.locator('#pay').count(), 0);
    await screenshot(t, page, 'spg-offer-page-paid');
    return tok;
  });

  const asserted = expectStatus(await jsonApi('PaymentPage/Assert', { Token: token }), 200, 'Assert');
  assert.equal(asserted.Transaction.Status, 'AUTHORIZED');
  assert.equal(asserted.Transaction.Type, 'PAYMENT');
  assert.deepEqual(asserted.Transaction.Amount, { Value: '404', CurrencyCode: 'CHF' });

  const got = expectStatus(
    await management('GET', `/terminals/${SAFERPAY.terminalId}/spg-offers/${offer.OfferId}`),
    200,
    'get offer',
  );
  assert.equal(got.Status, 'PAID');
  assert.match(got.TransactionId ?? '', /\S/, 'a paid offer has a TransactionId');
  assert.equal(got.TransactionId, asserted.Transaction.Id);

  const log = expectStatus(await admin('GET', '/notifications'), 200, 'notifications');
  const entry = log.find((n) => n.kind === 'saferpay.spg_success_notify' && n.url.includes(`/spg/${tag}/`));
  assert.ok(entry, 'the sandbox logged the SPG notification');
  assert.equal(entry.delivered, true);
});

// ---------------------------------------------------------------------------------------------
// 2./3. Payment page: RedirectUrl → Pay / Decline → ReturnUrl, notify URL, Assert

async function initializePaymentPage(tag, order, value) {
  return expectStatus(
    await jsonApi('PaymentPage/Initialize', {
      TerminalId: SAFERPAY.terminalId,
      Payment: {
        Amount: { Value: value, CurrencyCode: 'CHF' },
        OrderId: order,
        Description: `paywire browser test: ${tag}`,
      },
      ReturnUrl: { Url: listener.url(`/return/pp/${tag}`) },
      Notification: {
        SuccessNotifyUrl: listener.url(`/pp/${tag}/success`),
        FailNotifyUrl: listener.url(`/pp/${tag}/fail`),
      },
    }),
    200,
    'PaymentPage/Initialize',
  );
}

async function payOnPaymentPage(t, tag, init, button, amountText) {
  assert.ok(init.RedirectUrl.startsWith(`${SANDBOX}/vt2/api/PaymentPage/`), init.RedirectUrl);
  await withPage(async (page) => {
    const res = await page.goto(init.RedirectUrl);
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent('#amount'), amountText);
    assert.ok(await page.isVisible(button), `the payment page shows ${button}`);
    await screenshot(t, page, `payment-page-${tag.split('-')[0]}`);
    await Promise.all([page.waitForURL(listener.url(`/return/pp/${tag}`)), page.click(button)]);
    assert.equal(await page.textContent('#returned'), 'Back in the shop');
    await screenshot(t, page, `payment-page-${tag.split('-')[0]}-returned`);

    // The RedirectUrl works once: opening it again goes straight back to the shop.
    await page.goto(init.RedirectUrl);
    assert.equal(page.url(), listener.url(`/return/pp/${tag}`));
  });
}

test('payment page: Pay in Chromium lands on the ReturnUrl, SuccessNotifyUrl arrives, Assert is AUTHORIZED', async (t) => {
  const tag = `pay-${randomUUID().slice(0, 8)}`;
  const init = await initializePaymentPage(tag, orderId('browser-pp'), '1990');

  const early = await jsonApi('PaymentPage/Assert', { Token: init.Token });
  assert.equal(early.status, 402, 'Assert before paying fails');
  assert.equal(early.body.ErrorName, 'TRANSACTION_NOT_STARTED');

  await payOnPaymentPage(t, tag, init, '#pay', '19.90 CHF');

  const notified = await listener.waitFor('SuccessNotifyUrl', (r) => r.path === `/pp/${tag}/success`);
  assert.equal(notified.method, 'GET');
  assert.equal(listener.matching((r) => r.path === `/pp/${tag}/fail`).length, 0, 'no fail notification');

  const asserted = expectStatus(await jsonApi('PaymentPage/Assert', { Token: init.Token }), 200, 'Assert');
  assert.equal(asserted.Transaction.Status, 'AUTHORIZED');
  assert.equal(asserted.Transaction.Type, 'PAYMENT');
  assert.deepEqual(asserted.Transaction.Amount, { Value: '1990', CurrencyCode: 'CHF' });
});

test('payment page: Decline in Chromium lands on the ReturnUrl, FailNotifyUrl arrives, Assert answers TRANSACTION_DECLINED', async (t) => {
  const tag = `decline-${randomUUID().slice(0, 8)}`;
  const init = await initializePaymentPage(tag, orderId('browser-pp-decline'), '500');

  await payOnPaymentPage(t, tag, init, '#decline', '5.00 CHF');

  const notified = await listener.waitFor('FailNotifyUrl', (r) => r.path === `/pp/${tag}/fail`);
  assert.equal(notified.method, 'GET');
  assert.equal(listener.matching((r) => r.path === `/pp/${tag}/success`).length, 0, 'no success notification');

  const asserted = await jsonApi('PaymentPage/Assert', { Token: init.Token });
  assert.equal(asserted.status, 402, `Assert of a declined payment: ${asserted.text}`);
  assert.equal(asserted.body.ErrorName, 'TRANSACTION_DECLINED');
  assert.equal(asserted.body.Behavior, 'OTHER_MEANS');
  assert.equal(asserted.body.Transaction, undefined);
});

// ---------------------------------------------------------------------------------------------
// 4. secuconnect: Smart Transaction → checkout page → Pay → push → status ok

test('secuconnect checkout: Pay in Chromium, the push arrives, the Smart Transaction is ok', async (t) => {
  const tag = randomUUID().slice(0, 8);
  const tokenRes = expectStatus(
    await call('POST', `${SANDBOX}/oauth/token`, {
      json: {
        grant_type: 'client_credentials',
        client_id: SECUCONNECT.clientId,
        client_secret: SECUCONNECT.clientSecret,
      },
    }),
    200,
    'oauth token',
  );
  assert.equal(tokenRes.token_type, 'bearer');
  const bearer = { authorization: `Bearer ${tokenRes.access_token}` };

  const ref = orderId('browser-stx');
  const stx = expectStatus(
    await call('POST', `${SANDBOX}/api/v2/Smart/Transactions`, {
      headers: bearer,
      json: {
        intent: 'sale',
        merchantRef: ref,
        transactionRef: 'paywire browser test',
        basket_info: { sum: 1990, currency: 'EUR' },
        application_context: {
          return_urls: {
            url_push: listener.url(`/push/${tag}`),
            url_success: listener.url(`/return/stx/${tag}/success`),
            url_error: listener.url(`/return/stx/${tag}/error`),
            url_abort: listener.url(`/return/stx/${tag}/abort`),
          },
        },
        payment_context: { auto_capture: true },
      },
    }),
    200,
    'create smart transaction',
  );
  assert.match(stx.id, /^STX_/);
  assert.equal(stx.status, 'created');
  const link = stx.payment_links?.general;
  assert.ok(link?.startsWith(`${SANDBOX}/checkout/`), `payment_links.general: ${link}`);

  await withPage(async (page) => {
    const res = await page.goto(link);
    assert.equal(res.status(), 200);
    assert.equal(await page.textContent('#status'), 'created');
    assert.equal(await page.textContent('#reference'), ref);
    assert.equal(await page.textContent('#amount'), '19.90 EUR');
    await screenshot(t, page, 'secuconnect-checkout');
    await Promise.all([page.waitForURL(listener.url(`/return/stx/${tag}/success`)), page.click('#pay')]);
    assert.equal(await page.textContent('#returned'), 'Back in the shop');
  });

  const push = await listener.waitFor('secuconnect push', (r) => r.path === `/push/${tag}`);
  assert.equal(push.method, 'POST');
  const event = JSON.parse(push.body);
  assert.equal(event.object, 'event.pushes');
  assert.equal(event.target, 'payment.transactions');
  assert.match(event.data?.[0]?.id ?? '', /^PCI_/);

  const after = expectStatus(
    await call('GET', `${SANDBOX}/api/v2/Smart/Transactions/${stx.id}`, { headers: bearer }),
    200,
    'get smart transaction',
  );
  assert.equal(after.status, 'ok');

  const ptx = expectStatus(
    await call('GET', `${SANDBOX}/api/v2/Payment/Transactions/${event.data[0].id}`, { headers: bearer }),
    200,
    'get payment transaction from the push',
  );
  assert.equal(ptx.id, event.data[0].id);
});
