// CommonJS consumers get the same module as ESM consumers.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const paywire = require('paywire')

test('require() exposes the full API', async () => {
  for (const name of [
    'SaferpayClient', 'SecuconnectClient', 'SekurePayClient', 'Sandbox', 'TransactionIterator',
    'SmartTransactionIterator', 'DeviceAuthorization', 'AbortError', 'PaywireError',
    'ValidationError', 'AuthenticationError', 'PermissionDeniedError', 'NotFoundError',
    'ConflictError', 'DeclinedError', 'RateLimitedError', 'ApiError', 'TransportError',
    'DecodeError', 'ConfigurationError', 'InternalError', '_panicForTest', '_panicForTestSync',
  ]) {
    assert.equal(typeof paywire[name], 'function', name)
  }
  assert.equal(typeof paywire.version, 'string')
  assert.equal(typeof paywire.Money.parse, 'function')
  const esm = await import('paywire')
  assert.equal(esm.SaferpayClient, paywire.SaferpayClient, 'one module for both')
  assert.equal(esm.default, paywire)
})

test('a CommonJS consumer can run calls against the sandbox', async () => {
  const sandbox = await paywire.Sandbox.start()
  try {
    const client = sandbox.saferpayClient()
    const license = await client.license()
    assert.equal(typeof license.packageId, 'string')
    await assert.rejects(client.getOffer({ offerId: 'missing' }), (e) => e instanceof paywire.NotFoundError && e.code === 'PAYWIRE_NOT_FOUND')
  } finally {
    await sandbox.close()
  }
})
