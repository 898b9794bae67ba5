// Transport options against the sandbox served over TLS with a certificate made for this run
// (the paywire-tls-front helper node/scripts/test builds): an unknown CA is refused, an added
// one accepted, and `proxy` tunnels through a CONNECT proxy written here that counts tunnels.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

import { Sandbox, SaferpayClient, TransportError, ValidationError } from 'paywire'

let sandbox
let front
let base
let caPem
let n = 0

function connectProxy() {
  const proxy = { tunnels: 0 }
  proxy.server = net.createServer((socket) => {
    let head = Buffer.alloc(0)
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      const [method, target] = head.subarray(0, end).toString().split('\r\n')[0].split(' ')
      const [host, port] = target.split(':')
      if (method !== 'CONNECT' || host !== '127.0.0.1') {
        socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
        return
      }
      const upstream = net.connect(Number(port), '127.0.0.1', () => {
        proxy.tunnels += 1
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n')
        const rest = head.subarray(end + 4)
        if (rest.length) upstream.write(rest)
        socket.pipe(upstream)
        upstream.pipe(socket)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    }
    socket.on('data', onData)
  })
  return new Promise((resolve) => {
    proxy.server.listen(0, '127.0.0.1', () => {
      proxy.url = `http://127.0.0.1:${proxy.server.address().port}`
      resolve(proxy)
    })
  })
}

function client(options) {
  const c = Sandbox.credentials
  return new SaferpayClient({
    customerId: c.saferpayCustomerId,
    username: c.saferpayUsername,
    password: c.saferpayPassword,
    terminalId: c.saferpayTerminalId,
    baseUrl: base,
    ...options,
  })
}

const page = (c) =>
  c.initializePaymentPage({
    amount: { minor: 100, currency: 'CHF' },
    orderId: `node-tls-${process.pid}-${n++}`,
    description: 'transport options',
    returnUrl: 'https://shop.example/return',
  })

before(async () => {
  const binary = process.env.PAYWIRE_TLS_FRONT
  assert.ok(binary, 'PAYWIRE_TLS_FRONT is unset: node/scripts/test builds the paywire-tls-front helper')
  sandbox = await Sandbox.start()
  const upstream = sandbox.url.split('/').pop()
  front = spawn(binary, [upstream], { stdio: ['pipe', 'pipe', 'inherit'] })
  const line = await new Promise((resolve) => createInterface({ input: front.stdout }).once('line', resolve))
  const info = JSON.parse(line)
  caPem = info.ca_pem
  base = `https://127.0.0.1:${info.port}${sandbox.saferpayBaseUrl.slice(sandbox.url.length)}`
})
after(async () => {
  front?.stdin.end()
  await sandbox?.close()
})

test('unknown CA refused, added CA accepted, proxy tunnels', async () => {
  await assert.rejects(page(client({ maxRetries: 0, proxy: 'none' })), (err) => {
    assert.ok(err instanceof TransportError, String(err))
    assert.match(err.message.toLowerCase(), /certificate|issuer/)
    return true
  })
  await page(client({ caCertificates: caPem, proxy: 'none' }))
  const proxy = await connectProxy()
  try {
    const proxied = client({ caCertificates: caPem, proxy: proxy.url })
    for (let i = 0; i < 3; i++) await page(proxied)
    assert.ok(proxy.tunnels >= 1)
    console.log(`node TLS sandbox: unknown CA refused, added CA accepted; 3 calls through the CONNECT proxy: ${proxy.tunnels} tunnel(s)`)
  } finally {
    proxy.server.close()
  }
})

test('bad transport options name their field', () => {
  assert.throws(() => client({ caCertificates: 'not a certificate' }), (err) => {
    assert.ok(err instanceof ValidationError)
    assert.equal(err.field, 'ca_certificates')
    return true
  })
  assert.throws(() => client({ proxy: 'ftp://user:hunter2@127.0.0.1:21' }), (err) => {
    assert.equal(err.field, 'proxy')
    assert.ok(!err.message.includes('hunter2'))
    return true
  })
})

test('setLogger receives the core warning of an unreachable Redis token store; the call still succeeds', async () => {
  const { setLogger, SecuconnectClient } = await import('paywire')
  const records = []
  assert.equal(setLogger((record) => records.push(record), 'warn'), true)
  try {
    const c = Sandbox.credentials
    const secuconnect = new SecuconnectClient({
      clientId: c.secuconnectClientId,
      clientSecret: c.secuconnectClientSecret,
      contractId: c.secuconnectContractId,
      baseUrl: sandbox.secuconnectBaseUrl,
      // Nothing listens on port 1: the store is down, the payment call must not notice.
      tokenStore: 'redis://127.0.0.1:1/',
    })
    const created = await secuconnect.createSmartTransaction({ amount: { minor: 100, currency: 'EUR' } })
    assert.ok(created.id)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const warning = records.find((r) => r.message.includes('Redis token store unreachable'))
    assert.ok(warning, JSON.stringify(records))
    assert.equal(warning.level, 'warn')
    assert.match(warning.target, /^paywire/)
    const text = JSON.stringify(records)
    assert.ok(!text.includes(c.secuconnectClientSecret), 'no secret in log records')
    console.log(`node setLogger: ${records.length} record(s) at warn from a client whose Redis store is down; the call succeeded`)
  } finally {
    setLogger(null)
  }
})
