// `tokenStore` as an object of the user's own (get/put/clear, plain answers or Promises): a
// second client takes the stored token instead of asking for one; a store that throws, rejects
// or never answers costs a token request, never the payment call; a malformed store object is
// refused naming the option.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'

import { Sandbox, SecuconnectClient, ValidationError } from 'paywire'

let sandbox
before(async () => {
  sandbox = await Sandbox.start()
})
after(() => sandbox?.close?.())

function secuconnect(tokenStore) {
  const c = Sandbox.credentials
  return new SecuconnectClient({
    clientId: c.secuconnectClientId,
    clientSecret: c.secuconnectClientSecret,
    contractId: c.secuconnectContractId,
    baseUrl: sandbox.secuconnectBaseUrl,
    tokenStore,
  })
}

const tokenRequests = () => sandbox.stats().routes['secuconnect.oauth.token']?.requests ?? 0
const amount = { minor: 100, currency: 'EUR' }

/** An async store, like a Redis or database client: every answer is a Promise. */
class AsyncMapStore {
  constructor() {
    this.values = new Map()
    this.calls = []
  }
  async get(key) {
    this.calls.push('get')
    await new Promise((resolve) => setTimeout(resolve, 1))
    return this.values.get(key) ?? null
  }
  async put(key, value) {
    this.calls.push('put')
    this.values.set(key, value)
  }
  async clear(key) {
    this.calls.push('clear')
    this.values.delete(key)
  }
}

test('a store object of your own: a second client adopts the stored token', async () => {
  const store = new AsyncMapStore()
  const first = secuconnect(store)
  const before = tokenRequests()
  const created = await first.createSmartTransaction({ amount })
  assert.ok(store.calls.includes('put'), JSON.stringify(store.calls))
  const [[key, value]] = [...store.values]
  assert.ok(!key.includes(Sandbox.credentials.secuconnectClientSecret), 'no secret in the key')
  assert.equal(typeof value, 'string')
  // A restarted worker: its client takes the stored token.
  const second = secuconnect(store)
  await second.getSmartTransaction({ id: created.id })
  assert.equal(tokenRequests() - before, 1)
  console.log(`node tokenStore object: ${store.calls.length} store call(s), 1 token request for 2 clients`)
})

test('a store with plain (non-Promise) answers works too', async () => {
  const values = new Map()
  const store = { get: (k) => values.get(k), put: (k, v) => void values.set(k, v), clear: (k) => void values.delete(k) }
  await secuconnect(store).createSmartTransaction({ amount })
  assert.equal(values.size, 1)
})

test('a failing, rejecting or silent store never fails the call', async () => {
  const throwing = { get() { throw new Error('store down') }, put() { throw new Error('store down') }, clear() {} }
  const rejecting = { get: async () => { throw new Error('down') }, put: async () => { throw new Error('down') }, clear: async () => {} }
  const wrongType = { get: () => 42, put: () => {}, clear: () => {} }
  for (const store of [throwing, rejecting, wrongType]) {
    const created = await secuconnect(store).createSmartTransaction({ amount })
    assert.ok(created.id)
  }
  // A store that never answers: the call waits a bounded time, then goes on without it.
  const silent = { get: () => new Promise(() => {}), put: () => new Promise(() => {}), clear: () => new Promise(() => {}) }
  const started = Date.now()
  const created = await secuconnect(silent).createSmartTransaction({ amount })
  assert.ok(created.id)
  console.log(`node tokenStore that never answers: the call succeeded after ${Date.now() - started} ms`)
})

test('a malformed store object is refused naming tokenStore', () => {
  assert.throws(() => secuconnect({ get() {}, put() {} }), (err) => {
    assert.ok(err instanceof ValidationError)
    assert.equal(err.field, 'tokenStore')
    assert.match(err.message, /clear is missing/)
    return true
  })
})
