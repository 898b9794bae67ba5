// Runs the Express shop against the embedded sandbox: the sandbox's variables go into the
// environment (as `paywire sandbox` prints them), the app listens on 127.0.0.1, the sandbox
// plays the payer, and the checks read what the handlers recorded (GET /orders/:id) and the
// sandbox's own log and counters.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Sandbox } from 'paywire'
import { createApp } from './shop.mjs'

let sandbox
let server
let shop

before(async () => {
  sandbox = await Sandbox.start()
  const c = Sandbox.credentials
  Object.assign(process.env, {
    SAFERPAY_BASE_URL: sandbox.saferpayBaseUrl,
    SAFERPAY_CUSTOMER_ID: c.saferpayCustomerId,
    SAFERPAY_TERMINAL_ID: c.saferpayTerminalId,
    SAFERPAY_USERNAME: c.saferpayUsername,
    SAFERPAY_PASSWORD: c.saferpayPassword,
    SECUCONNECT_BASE_URL: sandbox.secuconnectBaseUrl,
    SECUCONNECT_CLIENT_ID: c.secuconnectClientId,
    SECUCONNECT_CLIENT_SECRET: c.secuconnectClientSecret,
    SECUCONNECT_CONTRACT_ID: c.secuconnectContractId,
  })
  delete process.env.PUBLIC_URL
  server = await new Promise((resolve) => {
    const s = createApp().listen(0, '127.0.0.1', () => resolve(s))
  })
  shop = `http://127.0.0.1:${server.address().port}`
})

after(async () => {
  await new Promise((resolve) => server.close(resolve))
  await sandbox.close()
})

async function post(path, body) {
  const res = await fetch(shop + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  assert.equal(res.status, 200, await res.clone().text())
  return res.json()
}

async function waitForOrder(orderId, done) {
  const deadline = Date.now() + 15_000
  for (;;) {
    const res = await fetch(`${shop}/orders/${orderId}`)
    assert.equal(res.status, 200)
    const order = await res.json()
    if (done(order)) return order
    assert.ok(Date.now() < deadline, `order ${orderId} did not get there: ${JSON.stringify(order)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// The payment page token: the last segment of the sandbox's payer URL.
const tokenOf = (redirectUrl) => redirectUrl.split('/').pop()
const delivered = (kind) => sandbox.notifications().filter((n) => n.kind === kind)
const captures = () => sandbox.stats().effects.captures

test('Saferpay: return and notify both reach the app, one capture', async () => {
  const created = await post('/orders', { amount: '25.00', currency: 'EUR', description: 'ticket' })
  const paid = await sandbox.payPaymentPage(tokenOf(created.redirectUrl), 'success')
  const page = await (await fetch(paid.return_url)).text()
  assert.match(page, /is paid/)
  const order = await waitForOrder(created.orderId, (o) => o.seen.length === 2)
  assert.equal(order.status, 'paid')
  assert.ok(order.captureId)
  assert.deepEqual([...order.seen].sort(), ['notify', 'return'])
  assert.equal(captures(), 1)
  assert.deepEqual(delivered('saferpay.success_notify').map((n) => n.status), [200])
})

test('Saferpay: a declined payment is recorded by the notify route', async () => {
  const created = await post('/orders', { amount: '9.50', currency: 'CHF', description: 'scarf' })
  await sandbox.payPaymentPage(tokenOf(created.redirectUrl), 'decline')
  const order = await waitForOrder(created.orderId, (o) => o.status !== 'open')
  assert.equal(order.status, 'failed')
  assert.deepEqual(order.seen, ['notify'])
  assert.equal(captures(), 1)
})

test('secuconnect: the push is read back through the API', async () => {
  const created = await post('/secuconnect/orders', { amount: '19.90', currency: 'EUR' })
  assert.ok(created.paymentLink)
  await sandbox.completeSmartTransaction(created.smartTransactionId, 'success')
  const order = await waitForOrder(created.orderId, (o) => o.status !== 'open')
  assert.equal(order.status, 'accepted')
  assert.ok(order.paymentTransactionId)
  assert.equal(order.pushes.length, 1)
  const pushes = delivered('secuconnect.push')
  assert.ok(pushes.length > 0 && pushes.every((p) => p.status === 200), JSON.stringify(pushes))
  // A repeated delivery is acknowledged and changes nothing.
  const again = await fetch(`${shop}/secuconnect/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(pushes[0].body),
  })
  assert.equal(again.status, 200)
  assert.deepEqual((await waitForOrder(created.orderId, () => true)).pushes, order.pushes)
})
