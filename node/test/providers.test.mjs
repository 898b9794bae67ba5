// The JSON API lifecycle, payment links, secuconnect and SekurePay methods not covered by the
// shared scenarios, against the embedded sandbox.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'

import {
  Sandbox,
  SecuconnectClient,
  SekurePayClient,
  SmartTransactionIterator,
  ConflictError,
  NotFoundError,
  ValidationError,
  AbortError,
  DeclinedError,
} from 'paywire'

let sandbox
let saferpay
let secuconnect
let sekurepay
let n = 0
const unique = (prefix) => `${prefix}-${process.pid}-${Date.now()}-${n++}`

before(async () => {
  sandbox = await Sandbox.start()
  saferpay = sandbox.saferpayClient()
  secuconnect = sandbox.secuconnectClient()
  sekurepay = sandbox.sekurepayClient()
})
after(async () => {
  await sandbox?.close()
})

test('saferpay payment page → capture → refund, with assert* and paymentOutcome', async () => {
  const session = await saferpay.initializePaymentPage({
    amount: { minor: 1000, currency: 'CHF' },
    orderId: unique('pp'),
    description: 'Order',
    returnUrl: 'https://shop.example/return',
    paymentMethods: ['VISA', 'MASTERCARD'],
    payer: { languageCode: 'en' },
    successNotifyUrl: 'https://shop.example/notify',
  })
  assert.equal(typeof session.token, 'string')
  assert.match(session.redirectUrl, /^http:\/\/127\.0\.0\.1/)
  await sandbox.payPaymentPage(session.token, 'success')
  const payment = await saferpay.assertPaymentPage({ token: session.token })
  assert.equal(payment.transaction.status, 'AUTHORIZED')
  assert.equal(payment.transaction.type, 'PAYMENT')
  assert.deepEqual(payment.transaction.amount, { minor: 1000, currency: 'CHF' })
  assert.equal(typeof payment.paymentMeans, 'object')
  const outcome = await saferpay.paymentOutcome({ token: session.token })
  assert.equal(outcome.transaction.id, payment.transaction.id)

  const capture = await saferpay.capture({ transactionId: payment.transaction.id, amount: { minor: 1000, currency: 'CHF' } })
  assert.equal(capture.status, 'CAPTURED')
  const captured = await saferpay.assertCapture({ captureId: capture.captureId })
  assert.equal(typeof captured.status, 'string')
  await assert.rejects(saferpay.capture({ transactionId: payment.transaction.id }), (e) => e instanceof ConflictError && e.providerCode === 'TRANSACTION_ALREADY_CAPTURED')

  const refund = await saferpay.refund({ captureId: capture.captureId, amount: { minor: 300, currency: 'CHF' }, description: 'partial' })
  assert.equal(refund.transaction.type, 'REFUND')
  await saferpay.capture({ transactionId: refund.transaction.id })
  const refunded = await saferpay.assertRefund({ transactionId: refund.transaction.id })
  assert.equal(refunded.transactionId, refund.transaction.id)
  assert.equal((await saferpay.inquire({ transactionId: payment.transaction.id })).transaction.status, 'CAPTURED')

  const second = await saferpay.initializePaymentPage({ amount: { minor: 50, currency: 'EUR' }, orderId: unique('pp'), description: 'Cancel me', returnUrl: 'https://shop.example/r' })
  await sandbox.payPaymentPage(second.token)
  const authorized = await saferpay.assertPaymentPage({ token: second.token })
  const cancellation = await saferpay.cancel({ transactionId: authorized.transaction.id })
  assert.equal(cancellation.transactionId, authorized.transaction.id)

  const declined = await saferpay.initializePaymentPage({ amount: { minor: 70, currency: 'CHF' }, orderId: unique('pp'), description: 'Declined', returnUrl: 'https://shop.example/r' })
  await sandbox.payPaymentPage(declined.token, 'decline')
  await assert.rejects(saferpay.assertPaymentPage({ token: declined.token }), DeclinedError)
  await assert.rejects(saferpay.initializePaymentPage({ amount: { minor: 70, currency: 'CHF' }, orderId: unique('pp'), description: 'x', returnUrl: 'not a url' }), ValidationError)
})

test('payment links on both providers', async () => {
  for (const client of [saferpay, secuconnect]) {
    const link = await client.createPaymentLink({ minor: 1250, currency: 'EUR' }, unique('link'), 'Order 4711')
    assert.equal(link.status, 'open')
    assert.equal(typeof link.url, 'string')
    assert.equal((await client.getPaymentLink(link.id)).id, link.id)
    assert.equal((await client.cancelPaymentLink(link.id)).status, 'canceled')
  }
  const withExpiry = await saferpay.createPaymentLink({ minor: 100, currency: 'CHF' }, unique('link'), 'Expiring', {
    expiresAt: new Date(Date.now() + 3 * 86400e3),
  })
  assert.equal(withExpiry.provider, 'saferpay')
  await assert.rejects(
    secuconnect.createPaymentLink({ minor: 100, currency: 'EUR' }, unique('link'), 'x', { expiresAt: new Date(Date.now() + 86400e3) }),
    ValidationError,
  )
})

test('secuconnect smart transactions: every method', async () => {
  const created = await secuconnect.createSmartTransaction({
    amount: { minor: 500, currency: 'EUR' },
    intent: 'sale',
    merchantRef: unique('ref'),
    transactionRef: 'Order 1',
    returnUrls: { urlSuccess: 'https://shop.example/ok', urlFailure: 'https://shop.example/failed' },
    isDemo: true,
  })
  assert.equal(created.status, 'created')
  assert.deepEqual(created.amount, { minor: 500, currency: 'EUR' })
  const read = await secuconnect.getSmartTransaction({ id: created.id })
  assert.equal(read.id, created.id)
  // A transaction without a basket takes merchantRef/transactionRef-only updates.
  const updated = await secuconnect.updateSmartTransaction({ id: created.id, transactionRef: 'Order 1b', merchantRef: unique('ref') })
  assert.equal(updated.id, created.id)
  assert.equal(updated.status, 'created')
  assert.deepEqual(updated.amount, { minor: 500, currency: 'EUR' })
  const prepared = await secuconnect.prepareSmartTransaction({ id: created.id, paymentMethod: 'invoice' })
  assert.equal(typeof prepared.status, 'string')
  const started = await secuconnect.startSmartTransaction({ id: created.id })
  assert.equal(typeof started.status, 'string')
  const paymentId = started.transactions?.[0]?.id ?? prepared.transactions?.[0]?.id
  if (paymentId) {
    const payment = await secuconnect.getPaymentTransaction({ id: paymentId })
    assert.equal(payment.id, paymentId)
    const status = await secuconnect.checkPaymentStatus({ id: paymentId })
    assert.equal(typeof status, 'object')
    const cancelled = await secuconnect.cancelPaymentTransaction({ id: paymentId })
    assert.ok(Array.isArray(cancelled))
  }

  const toCancel = await secuconnect.createSmartTransaction({ amount: { minor: 100, currency: 'EUR' }, merchantRef: unique('ref') })
  assert.equal(typeof (await secuconnect.cancelSmartTransaction({ id: toCancel.id })).status, 'string')
  const toAbort = await secuconnect.createSmartTransaction({ amount: { minor: 100, currency: 'EUR' }, merchantRef: unique('ref') })
  assert.equal(typeof (await secuconnect.abortSmartTransaction({ id: toAbort.id })).status, 'string')

  await assert.rejects(secuconnect.getSmartTransaction({ id: 'STX_DOESNOTEXIST00000000000000' }), NotFoundError)
  await assert.rejects(secuconnect.createSmartTransaction({ amount: { minor: 1, currency: 'EUR' }, intent: 'gift' }), (e) => e instanceof ValidationError && e.field === 'intent')

  const iterator = secuconnect.smartTransactions({ pageSize: 2, batchSize: 1, sort: 'created:asc' })
  assert.ok(iterator instanceof SmartTransactionIterator)
  const ids = []
  for await (const stx of iterator) ids.push(stx.id)
  assert.ok(ids.length >= 3, `${ids.length} smart transactions`)
  assert.equal(new Set(ids).size, ids.length)
  assert.equal(iterator.total, ids.length)
  await assert.rejects(secuconnect.smartTransactions({ signal: AbortSignal.abort() }).next(), AbortError)
  assert.throws(() => secuconnect.smartTransactions({ pageSize: 0 }), ValidationError)
})

test('secuconnect: inline bank account, snake_case basket items, nested amount errors', async () => {
  const amount = { minor: 500, currency: 'EUR' }
  const stx = await secuconnect.createSmartTransaction({ amount, merchantRef: unique('ref') })
  const prepared = await secuconnect.prepareSmartTransaction({
    id: stx.id,
    paymentMethod: 'debit',
    bankAccount: { owner: 'Max Muster', iban: 'DE02 1203 0000 0000 2020 51', bic: 'BYLADEM1001' },
  })
  assert.equal(prepared.id, stx.id)
  assert.equal(prepared.container?.type, 'bank_account')
  const withoutBic = await secuconnect.createSmartTransaction({ amount, merchantRef: unique('ref') })
  await secuconnect.prepareSmartTransaction({ id: withoutBic.id, paymentMethod: 'debit', bankAccount: { owner: 'Max Muster', iban: 'DE02120300000000202051' } })

  const before = sandbox.stats().requests
  const refused = [
    [{ bankAccount: { owner: 'Max', iban: 'DE00 0000' } }, 'bank_account.iban'],
    [{ bankAccount: { owner: '', iban: 'DE02120300000000202051' } }, 'bank_account.owner'],
    [{ bankAccount: { owner: 'Max', iban: 'DE02120300000000202051', bic: 'XX' } }, 'bank_account.bic'],
    [{ bankAccount: { owner: 'Max', iban: 'DE02120300000000202051', swift: 'x' } }, 'bank_account'],
    [{ bankAccount: { owner: 'Max', iban: 'DE02120300000000202051' }, containerId: 'PCT_1' }, 'container_id'],
  ]
  for (const [options, field] of refused) {
    await assert.rejects(secuconnect.prepareSmartTransaction({ id: stx.id, paymentMethod: 'debit', ...options }), (e) => {
      assert.ok(e instanceof ValidationError, String(e))
      assert.ok(e.field === field || e.field.startsWith(`${field}.`), `${field}: ${e.field} (${e.message})`)
      return true
    })
  }
  assert.equal(sandbox.stats().requests, before, 'a refused input reached the sandbox')

  // Basket items take snake_case keys as well as camelCase ones.
  const withBasket = await secuconnect.createSmartTransaction({
    amount,
    merchantRef: unique('ref'),
    basket: [{ item_type: 'article', desc: 'Widget', quantity: 2, price_one: 200, article_number: 'A-1' }, { itemType: 'article', desc: 'Cable', quantity: 1, priceOne: 100 }],
  })
  assert.deepEqual(withBasket.basket.map((item) => item.desc), ['Widget', 'Cable'])

  await assert.rejects(
    secuconnect.cancelPaymentTransaction({ id: 'PCI_1', reduceAmountBy: { minor: 100, currency: 'XYZ' } }),
    (e) => e instanceof ValidationError && e.field === 'currency',
  )
  await assert.rejects(
    secuconnect.cancelPaymentTransaction({ id: 'PCI_1', reduceAmountBy: { minor: 1.5, currency: 'EUR' } }),
    (e) => e instanceof ValidationError && e.field === 'reduce_amount_by.minor',
  )
})

test('timestamps: RFC 3339 with an offset, seconds optional, or a Date', async () => {
  const at = new Date(Date.now() + 3 * 3600e3)
  const pad = (n) => String(n).padStart(2, '0')
  const noSeconds = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}T${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`
  for (const expiresAt of [at, at.toISOString(), `${noSeconds}Z`, `${noSeconds}+00:00`]) {
    const offer = await saferpay.createOffer({ amount: { minor: 404, currency: 'CHF' }, orderId: unique('ts'), description: 'Timestamp', expiresAt })
    assert.equal(offer.status, 'OPEN', String(expiresAt))
  }
  for (const expiresAt of [noSeconds, 'tomorrow', '']) {
    await assert.rejects(
      saferpay.createOffer({ amount: { minor: 404, currency: 'CHF' }, orderId: unique('ts'), description: 'Timestamp', expiresAt }),
      (e) => e instanceof ValidationError && e.field === 'expires_at' && /offset/.test(e.message),
    )
  }
})

test('secuconnect push parsing, device flow and redaction', async () => {
  const push = SecuconnectClient.parsePush(
    JSON.stringify({
      object: 'event.pushes',
      id: 'evt_1',
      created: '2026-01-01T00:00:00+01:00',
      target: 'payment.transactions',
      type: 'changed',
      data: [{ object: 'payment.transactions', id: 'PCI_1' }],
    }),
  )
  assert.equal(push.id, 'evt_1')
  assert.equal(push.target, 'payment.transactions')
  assert.equal(push.type, 'changed')
  assert.equal('pushType' in push, false)
  assert.deepEqual(push.objectIds, ['PCI_1'])
  const fromBuffer = SecuconnectClient.parsePush(
    Buffer.from(JSON.stringify({ object: 'event.pushes', id: 'evt_2', target: 'payment.transactions', type: 'added', data: [{ object: 'payment.transactions', id: 'PCI_2' }] })),
  )
  assert.equal(fromBuffer.id, 'evt_2')
  assert.throws(() => SecuconnectClient.parsePush('not json'), ValidationError)

  const authorization = await secuconnect.deviceAuthorize('/vendor/paywire/uuid/00000000-0000-0000-0000-000000000001')
  assert.equal(typeof authorization.userCode, 'string')
  assert.equal(typeof authorization.verificationUrl, 'string')
  assert.ok(!util.inspect(authorization).includes('device_code'))
  await sandbox.approveDevice(authorization.userCode)
  const token = await secuconnect.devicePoll(authorization)
  assert.equal(typeof token.tokenType, 'string')

  const secret = new SecuconnectClient({ clientId: 'id', clientSecret: 'very-secret-value', baseUrl: sandbox.secuconnectBaseUrl })
  for (const text of [util.inspect(secret), String(secret), JSON.stringify(secret)]) assert.ok(!text.includes('very-secret-value'), text)
  const key = new SekurePayClient({ apiKey: 'very-secret-key', baseUrl: sandbox.sekurepayBaseUrl })
  for (const text of [util.inspect(key), String(key), JSON.stringify(key)]) assert.ok(!text.includes('very-secret-key'), text)
  sandbox.expireTokens()
  assert.equal(typeof (await secuconnect.createSmartTransaction({ amount: { minor: 100, currency: 'EUR' } })).id, 'string')
})

test('sekurepay orders', async () => {
  const id = unique('order')
  const order = await sekurepay.createOrder({
    orderId: id,
    currency: 'USD',
    items: [{ description: 'Widget', amountCents: 1250, quantity: 2 }],
    taxes: [{ description: 'VAT', amountCents: 200 }],
    shippingAmountCents: 500,
  })
  assert.equal(order.id, id)
  assert.deepEqual(order.total, { minor: 3200, currency: 'USD' })
  const read = await sekurepay.getOrder({ orderId: id })
  assert.equal(read.id, id)
  await assert.rejects(sekurepay.getOrder({ orderId: 'no-such-order-xyz' }), NotFoundError)
  await assert.rejects(sekurepay.createOrder({ orderId: unique('order'), currency: 'USD', items: [{ description: 'x', amountCents: 1.5 }] }), ValidationError)
  // Rows new to Node with the tables: the same order back, not a second one.
  const again = await sekurepay.findOrCreateOrder({
    orderId: id,
    currency: 'USD',
    items: [{ description: 'Widget', amountCents: 1250, quantity: 2 }],
    taxes: [{ description: 'VAT', amountCents: 200 }],
    shippingAmountCents: 500,
  })
  assert.equal(again.id, id)
})

test('per-call options travel in the same object as the parameters', async () => {
  sandbox.reset()
  sandbox.injectFault('saferpay.license', 'delay', { count: 1, delayMs: 2000 })
  await assert.rejects(saferpay.license({ timeoutMs: 100, maxRetries: 0 }), (e) => e.kind === 'transport' || e.kind === 'outcome_unknown')
  const requestId = unique('rq').slice(0, 40)
  const license = await saferpay.license({ requestId })
  assert.equal(typeof license.packageId, 'string')
  await assert.rejects(saferpay.license({ timeoutMs: -1 }), (e) => e instanceof ValidationError && e.field === 'timeout_ms')
})
