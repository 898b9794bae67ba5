// Errors, money, paging, abort, concurrency, redaction and panics, against the embedded sandbox.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'

import * as paywire from 'paywire'

const {
  Sandbox,
  Money,
  SaferpayClient,
  TransactionIterator,
  AbortError,
  PaywireError,
  ValidationError,
  AuthenticationError,
  NotFoundError,
  TransportError,
  DecodeError,
  ConfigurationError,
  InternalError,
  OutcomeUnknownError,
} = paywire

const PASSWORD = 'sandbox-saferpay-password-3141'
const inTwoHours = () => new Date(Date.now() + 2 * 3600e3)
const day = (n) => new Date(Date.now() - n * 86400e3).toISOString().slice(0, 10)
let unique = 0
const orderId = () => `node-${process.pid}-${Date.now()}-${unique++}`

let sandbox
let saferpay
before(async () => {
  sandbox = await Sandbox.start()
  saferpay = sandbox.saferpayClient()
})
after(async () => {
  await sandbox?.close()
})

async function rejects(promise, cls, check = () => {}) {
  let error
  try {
    await promise
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof cls, `expected ${cls.name}, got ${error?.stack ?? error ?? 'success'}`)
  check(error)
  return error
}

test('every error class is exported with its code', () => {
  const expected = {
    ValidationError: 'PAYWIRE_VALIDATION',
    AuthenticationError: 'PAYWIRE_AUTHENTICATION',
    PermissionDeniedError: 'PAYWIRE_PERMISSION',
    NotFoundError: 'PAYWIRE_NOT_FOUND',
    ConflictError: 'PAYWIRE_CONFLICT',
    DeclinedError: 'PAYWIRE_DECLINED',
    RateLimitedError: 'PAYWIRE_RATE_LIMITED',
    ApiError: 'PAYWIRE_API',
    TransportError: 'PAYWIRE_TRANSPORT',
    DecodeError: 'PAYWIRE_DECODE',
    ConfigurationError: 'PAYWIRE_CONFIGURATION',
    InternalError: 'PAYWIRE_INTERNAL',
    OutcomeUnknownError: 'PAYWIRE_OUTCOME_UNKNOWN',
  }
  for (const [name, code] of Object.entries(expected)) {
    const cls = paywire[name]
    assert.equal(typeof cls, 'function', name)
    const error = new cls('x')
    assert.ok(error instanceof PaywireError && error instanceof Error, name)
    assert.equal(error.name, name)
    assert.equal(error.code, code)
  }
})

test('not found carries the provider details', async () => {
  await rejects(saferpay.getOffer({ offerId: 'does-not-exist' }), NotFoundError, (e) => {
    assert.equal(e.code, 'PAYWIRE_NOT_FOUND')
    assert.equal(e.kind, 'not_found')
    assert.equal(e.provider, 'saferpay')
    assert.equal(e.httpStatus, 404)
    assert.equal(typeof e.providerCode, 'string')
    assert.equal(typeof e.requestId, 'string')
    assert.equal(e.retryable, 'no')
    assert.equal(e.outcomeUnknown, false)
    assert.ok(Array.isArray(e.details))
    assert.equal(e.field, null)
    assert.match(e.message, /not_found/)
    assert.ok(e.stack)
  })
})

test('validation errors name the field and send nothing', async () => {
  const before = sandbox.stats().requests
  await rejects(
    saferpay.createOffer({ amount: { minor: 404, currency: 'CHF' }, orderId: orderId(), description: 'x'.repeat(101), expiresAt: inTwoHours() }),
    ValidationError,
    (e) => {
      assert.equal(e.code, 'PAYWIRE_VALIDATION')
      assert.equal(e.field, 'description')
      assert.equal(e.httpStatus, null)
    },
  )
  await rejects(saferpay.createOffer({ amount: { minor: 404, currency: 'CHF' }, orderId: orderId(), description: 'ok', expiresAt: 'not a date' }), ValidationError, (e) =>
    assert.equal(e.field, 'expires_at'),
  )
  await rejects(
    saferpay.createOffer({
      amount: { minor: 404, currency: 'CHF' },
      orderId: orderId(),
      description: 'ok',
      expiresAt: inTwoHours(),
      payer: { billingAddress: { email: 'not-an-email' } },
    }),
    ValidationError,
    (e) => assert.equal(e.field, 'payer.billing_address.email'),
  )
  await rejects(
    saferpay.createOffer({ amount: { minor: 404, currency: 'CHF' }, orderId: orderId(), description: 'ok', expiresAt: inTwoHours(), payer: { nickname: 'x' } }),
    ValidationError,
    (e) => assert.match(e.field, /^payer/),
  )
  // A wrong JS type is bad input too, and so is a parameter the operation does not have.
  await rejects(saferpay.getOffer({ offerId: 42 }), ValidationError, (e) => assert.equal(e.field, 'offer_id'))
  await rejects(saferpay.getOffer('positional'), ValidationError)
  await rejects(saferpay.getOffer({ offerId: 'o', offerID: 'o' }), ValidationError, (e) => assert.equal(e.field, 'offer_i_d'))
  assert.equal(sandbox.stats().requests, before)
})

test('amounts must be safe integers', async () => {
  // Not a whole number (or not one a JS number holds exactly): the core names `amount.minor`.
  for (const [minor, field] of [[4.5, 'amount.minor'], [2 ** 53, 'amount.minor'], [-1, 'amount'], [Number.NaN, 'amount.minor'], [Infinity, 'amount.minor']]) {
    await rejects(saferpay.createOffer({ amount: { minor, currency: 'CHF' }, orderId: orderId(), description: 'ok', expiresAt: inTwoHours() }), ValidationError, (e) =>
      assert.equal(e.field, field, `minor ${minor}: ${e.message}`),
    )
  }
  await rejects(saferpay.createOffer({ amount: { minor: 100, currency: 'XYZ' }, orderId: orderId(), description: 'ok', expiresAt: inTwoHours() }), ValidationError, (e) =>
    assert.equal(e.field, 'currency'),
  )
  const offer = await saferpay.createOffer({ amount: { minor: 2 ** 31 + 7, currency: 'CHF' }, orderId: orderId(), description: 'big', expiresAt: inTwoHours() })
  assert.deepEqual(offer.amount, { minor: 2 ** 31 + 7, currency: 'CHF' })
})

test('Money helpers', () => {
  assert.deepEqual(Money.parse('4.04', 'CHF'), { minor: 404, currency: 'CHF' })
  assert.deepEqual(Money.parse('1500', 'jpy'), { minor: 1500, currency: 'JPY' })
  assert.deepEqual(Money.parse('1.5', 'KWD'), { minor: 1500, currency: 'KWD' })
  assert.equal(Money.format({ minor: 404, currency: 'CHF' }), '4.04 CHF')
  assert.deepEqual(Money.fromMinor(5, 'eur'), { minor: 5, currency: 'EUR' })
  assert.throws(() => Money.parse('4.045', 'CHF'), ValidationError)
  assert.throws(() => Money.parse('4.04', 'XXQ'), (e) => e instanceof ValidationError && e.field === 'currency')
  assert.throws(() => Money.parse('-1', 'CHF'), ValidationError)
  assert.throws(() => Money.fromMinor(0.5, 'CHF'), ValidationError)
})

test('offer lifecycle with camelCase results', async () => {
  const offer = await saferpay.createOffer({
    amount: Money.parse('12.50', 'EUR'),
    orderId: orderId(),
    description: 'Lifecycle',
    expiresAt: new Date(Date.now() + 2 * 3600e3),
    payer: { languageCode: 'de', billingAddress: { firstName: 'Ada', email: 'ada@example.com' } },
    maxPaymentAttempts: 3,
  })
  assert.equal(offer.status, 'OPEN')
  assert.match(offer.paymentLink, /^http:\/\/127\.0\.0\.1:/)
  assert.deepEqual(offer.amount, { minor: 1250, currency: 'EUR' })
  assert.equal(offer.terminalId, '17757531')
  assert.equal(typeof offer.raw, 'object')
  await sandbox.payOffer(offer.offerId, 'success')
  const paid = await saferpay.getOffer({ offerId: offer.offerId, terminalId: '17757531' })
  assert.equal(paid.status, 'PAID')
  assert.equal(typeof paid.transactionId, 'string')
  const other = await saferpay.createOffer({ amount: { minor: 100, currency: 'CHF' }, orderId: orderId(), description: 'gone', expiresAt: inTwoHours() })
  assert.equal(await saferpay.deleteOffer({ offerId: other.offerId }), undefined)
  assert.equal((await saferpay.getOffer({ offerId: other.offerId })).status, 'DISABLED')
})

test('account queries', async () => {
  const license = await saferpay.license()
  assert.equal(typeof license.packageId, 'string')
  assert.ok(license.features.every((f) => typeof f.id === 'string' && typeof f.name === 'string'))
  const legacy = await saferpay.licenseConfiguration()
  assert.equal(legacy.packageId, license.packageId)
  const terminals = await saferpay.terminals()
  assert.ok(terminals.length >= 1)
  assert.ok(terminals.some((t) => t.terminalId === '17757531'))
  const terminal = await saferpay.terminal({ terminalId: '17757531' })
  assert.equal(typeof terminal.type, 'string')
  assert.ok(Array.isArray(terminal.paymentMethods))
  assert.ok(Array.isArray(terminal.wallets))
  const configurations = await saferpay.paymentPageConfigurations()
  assert.ok(Array.isArray(configurations))
  for (const c of configurations) assert.equal(typeof c.isDefault, 'boolean')
  const token = await saferpay.createFieldsAccessToken({ description: 'Fields', sourceUrls: ['https://shop.example/checkout'] })
  assert.equal(typeof token, 'string')
  assert.equal(await saferpay.deleteFieldsAccessToken({ accessToken: token }), undefined)
})

test('authentication errors never show the password', async () => {
  const wrong = new SaferpayClient({
    customerId: '123456',
    username: 'API_123456_17757531',
    password: 'definitely-wrong-password',
    terminalId: '17757531',
    baseUrl: sandbox.saferpayBaseUrl,
    maxRetries: 0,
  })
  const error = await rejects(wrong.license(), AuthenticationError, (e) => assert.equal(e.httpStatus, 401))
  assert.ok(!util.inspect(error).includes('definitely-wrong-password'))
  assert.ok(!JSON.stringify(error).includes('definitely-wrong-password'))
})

test('configuration and transport errors', async () => {
  assert.throws(() => new SaferpayClient({ customerId: '1', username: 'u', password: 'p', baseUrl: 'http://example.com/api' }), ConfigurationError)
  assert.throws(() => new SaferpayClient({ username: 'u', password: 'p' }), (e) => e instanceof ValidationError && e.field === 'customer_id')
  assert.throws(() => new SaferpayClient({ customerId: '1', username: 'u', password: 'p', maxRetries: 1.5 }), ValidationError)
  const c = sandbox.saferpayClient({ maxRetries: 0 })
  sandbox.injectFault('saferpay.license', 'drop_before_commit', 1)
  await rejects(c.license(), TransportError)
  sandbox.injectFault('saferpay.license', 'non_json', 1)
  await rejects(c.license(), DecodeError)
  // Retries (default 2) ride over a single 500.
  sandbox.injectFault('saferpay.license', 'error_500', 1)
  assert.equal(typeof (await sandbox.saferpayClient().license()).packageId, 'string')
})

test('exactly once with a sandbox that does not replay repeated requests', async () => {
  const noReplay = await Sandbox.start({ requestIdReplay: false })
  try {
    assert.equal(noReplay.requestIdReplay, false)
    noReplay.setRequestIdReplay(true)
    assert.equal(noReplay.requestIdReplay, true)
    noReplay.setRequestIdReplay(false)
    assert.equal(sandbox.requestIdReplay, true, 'the default')
    const c = noReplay.saferpayClient()
    // A refund whose answer was lost is found by its own order id: one refund.
    const session = await c.initializePaymentPage({ amount: { minor: 1000, currency: 'CHF' }, orderId: orderId(), description: 'once', returnUrl: 'https://shop.example/r' })
    await noReplay.payPaymentPage(session.token)
    const payment = await c.assertPaymentPage({ token: session.token })
    const capture = await c.capture({ transactionId: payment.transaction.id })
    noReplay.injectFault('saferpay.transaction.refund', 'drop_after_commit', 1)
    const refund = await c.refund({ captureId: capture.captureId, amount: { minor: 100, currency: 'CHF' } })
    assert.match(refund.transaction.orderId, /^pw-rf-/)
    assert.equal(noReplay.stats().effects.refunds, 1)
    assert.equal(noReplay.stats().executed_duplicates.refunds, 0)
    assert.equal((await c.inquireByOrderId({ orderId: refund.transaction.orderId })).transaction.id, refund.transaction.id)
    // An offer create that may have arrived is never sent again, and says what settles it.
    const order = orderId()
    noReplay.injectFault('saferpay.offers.create', 'drop_after_commit', 1)
    await rejects(c.createOffer({ amount: { minor: 404, currency: 'CHF' }, orderId: order, description: 'once', expiresAt: inTwoHours() }), OutcomeUnknownError, (e) => {
      assert.ok(e instanceof PaywireError)
      assert.equal(e.code, 'PAYWIRE_OUTCOME_UNKNOWN')
      assert.equal(e.kind, 'outcome_unknown')
      assert.equal(e.outcomeUnknown, true)
      assert.ok(e.settleWith.includes(order), e.settleWith)
    })
    assert.equal(noReplay.stats().effects.offers_created, 1)
    assert.equal(noReplay.stats().routes['saferpay.offers.create'].requests, 1)
  } finally {
    await noReplay.close()
  }
})

test('fromEnv reads the environment', () => {
  const saved = { ...process.env }
  try {
    process.env.SAFERPAY_CUSTOMER_ID = '123456'
    process.env.SAFERPAY_USERNAME = 'API_123456_17757531'
    process.env.SAFERPAY_PASSWORD = PASSWORD
    process.env.SAFERPAY_TERMINAL_ID = '17757531'
    process.env.SAFERPAY_BASE_URL = sandbox.saferpayBaseUrl
    const client = SaferpayClient.fromEnv({ timeoutMs: 5000 })
    assert.equal(client.customerId, '123456')
    assert.equal(client.terminalId, '17757531')
    delete process.env.SAFERPAY_PASSWORD
    assert.throws(() => SaferpayClient.fromEnv(), ConfigurationError)
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  }
})

test('inspect, toString and JSON of a client show no secret', () => {
  const client = new SaferpayClient({
    customerId: '123456',
    username: 'API_123456_17757531',
    password: 'hunter2-super-secret',
    terminalId: '17757531',
    baseUrl: sandbox.saferpayBaseUrl,
  })
  for (const text of [
    util.inspect(client),
    util.inspect(client, { showHidden: true, depth: Infinity }),
    util.inspect({ nested: [client] }),
    String(client),
    `${client}`,
    JSON.stringify(client),
    JSON.stringify({ client }),
    util.format('%o %O %j', client, client, client),
  ]) {
    assert.ok(!text.includes('hunter2'), text)
  }
  assert.match(util.inspect(client), /SaferpayClient/)
  assert.match(util.inspect(client), /123456/)
  assert.deepEqual(Object.keys(client), [])
  assert.match(util.inspect(sandbox), /127\.0\.0\.1/)
})

test('paging: for await over the report, in batches, each transaction once', async () => {
  const iterator = saferpay.transactions({ start: day(3), end: day(1) + 'T23:59', pageSize: 700 })
  assert.ok(iterator instanceof TransactionIterator)
  const ids = new Set()
  let count = 0
  for await (const tx of iterator) {
    count++
    ids.add(tx.id)
    if (count === 1) {
      assert.equal(typeof tx.status, 'string')
      assert.equal(typeof tx.amount.minor, 'number')
      assert.equal(typeof tx.isCaptured, 'boolean')
    }
  }
  assert.ok(count > 1000, `only ${count} transactions`)
  assert.equal(ids.size, count)
  assert.equal(iterator.totalTransactions, count)
  // Breaking early stops fetching; toArray needs a limit; small batches work.
  const few = await saferpay.transactions({ start: day(3), end: day(1) + 'T23:59', pageSize: 50, batchSize: 7 }).toArray({ limit: 20 })
  assert.equal(few.length, 20)
  const resumed = saferpay.transactions({ start: day(3), end: day(1) + 'T23:59', pageSize: 1000, resumeAtPage: 2 })
  let rest = 0
  for await (const _ of resumed) rest++
  assert.equal(rest, count - 1000)
  // Invalid queries throw before anything is sent.
  assert.throws(() => saferpay.transactions({ start: day(3), end: day(0) }), (e) => e instanceof ValidationError && e.field === 'end')
  assert.throws(() => saferpay.transactions({ start: day(3), end: day(1), pageSize: 2001 }), (e) => e.field === 'page_size')
})

test('abort: rejects with AbortError and cancels the request in Rust', async () => {
  sandbox.reset()
  sandbox.injectFault('saferpay.license', 'delay', { count: 1, delayMs: 5000 })
  const controller = new AbortController()
  const started = Date.now()
  const pending = saferpay.license({ signal: controller.signal })
  await waitFor(() => sandbox.stats().routes['saferpay.license'].in_flight === 1, 'request in flight')
  controller.abort()
  await rejects(pending, AbortError, (e) => {
    assert.equal(e.name, 'AbortError')
    assert.equal(e.code, 'ABORT_ERR')
  })
  assert.ok(Date.now() - started < 2500, 'rejected promptly')
  // The connection was dropped on the Rust side: the sandbox sees the request end long before
  // its 5 s delay would have.
  await waitFor(() => sandbox.stats().routes['saferpay.license'].in_flight === 0, 'request cancelled')
  assert.ok(Date.now() - started < 4000)
  assert.equal(sandbox.stats().routes['saferpay.license'].status_2xx, 0)

  // An already aborted signal rejects without sending.
  const before = sandbox.stats().requests
  await rejects(saferpay.terminals({ signal: AbortSignal.abort() }), AbortError)
  assert.equal(sandbox.stats().requests, before)

  // A timeout signal works on paging too.
  sandbox.injectFault('saferpay.transactions.report', 'delay', { count: 1, delayMs: 5000 })
  const iterator = saferpay.transactions({ start: day(3), end: day(1), signal: AbortSignal.timeout(200) })
  await rejects(iterator.next(), AbortError)
  sandbox.clearFaults()

  // The client keeps working afterwards.
  assert.equal(typeof (await saferpay.license({ signal: new AbortController().signal })).packageId, 'string')
})

test('many concurrent calls run in parallel on the Rust runtime without blocking the loop', async () => {
  sandbox.reset()
  const calls = 24
  sandbox.injectFault('saferpay.terminals', 'delay', { count: calls, delayMs: 600 })
  let ticks = 0
  const timer = setInterval(() => ticks++, 20)
  const started = Date.now()
  const results = await Promise.all(Array.from({ length: calls }, () => saferpay.terminals()))
  const elapsed = Date.now() - started
  clearInterval(timer)
  assert.equal(results.length, calls)
  assert.ok(results.every((r) => Array.isArray(r) && r.length >= 1))
  const stats = sandbox.stats()
  assert.ok(stats.max_in_flight >= calls / 2, `max_in_flight ${stats.max_in_flight}`)
  assert.equal(stats.routes['saferpay.terminals'].requests, calls)
  assert.ok(elapsed < calls * 600 / 3, `took ${elapsed} ms`)
  assert.ok(ticks >= (elapsed / 20) * 0.4, `event loop starved: ${ticks} ticks in ${elapsed} ms`)
})

test('a Rust panic surfaces as InternalError and the process keeps working', async () => {
  await rejects(paywire._panicForTest('boom from the test'), InternalError, (e) => {
    assert.equal(e.code, 'PAYWIRE_INTERNAL')
    assert.match(e.message, /boom from the test/)
  })
  assert.throws(() => paywire._panicForTestSync('sync boom'), (e) => e instanceof InternalError && /sync boom/.test(e.message))
  await paywire._panicForTest('')
  assert.equal(typeof (await saferpay.license()).packageId, 'string')
})

test('sandbox members', async () => {
  assert.match(sandbox.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.equal(sandbox.saferpayBaseUrl, `${sandbox.url}/api`)
  await rejects(sandbox.payOffer('unknown-offer'), NotFoundError)
  assert.throws(() => sandbox.injectFault('saferpay.license', 'no-such-mode'), ValidationError)
  sandbox.advanceClock(60)
  sandbox.expireTokens()
  sandbox.reset()
  assert.equal(sandbox.stats().requests, 0)
  const other = await Sandbox.start()
  assert.notEqual(other.url, sandbox.url)
  await other.close()
  await other.close()
  assert.equal(other.closed, true)
  assert.throws(() => other.saferpayClient(), ConfigurationError)
})

async function waitFor(condition, what, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`)
    await sleep(10)
  }
}
