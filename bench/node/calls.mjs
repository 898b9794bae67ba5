// Part 3: Saferpay getOffer / createOffer through paywire's Node client against the built-in
// fetch doing the same HTTP calls (Basic auth, Saferpay-ApiVersion, a fresh Saferpay-RequestId,
// the same JSON body, the JSON answer decoded). Sequential, and 64 calls in flight.
//
// paywire is loaded from the installed npm tarball (BENCH_NODE_APP, set by bench/run). Settings: the
// SAFERPAY_* variables of `paywire sandbox --json`; BENCH_SCALE multiplies the call counts.
// Prints one JSON object per measurement on stdout, progress on stderr.
import { createRequire } from 'node:module'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'

const require = createRequire(import.meta.url)
const { SaferpayClient } = require(require.resolve('paywire', { paths: [process.env.BENCH_NODE_APP ?? process.cwd()] }))

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const scaled = (n) => Math.max(16, Math.floor(n * SCALE))
const SEQ_CALLS = scaled(Number(process.env.BENCH_NODE_SEQ_CALLS ?? '4000'))
const PAR_CALLS = scaled(Number(process.env.BENCH_NODE_PAR_CALLS ?? '8000'))
const CONCURRENCY = 64
const WARMUP = Math.max(8, Math.floor(100 * Math.min(SCALE, 1)))
const ROUNDS = 4
const API_VERSION = '1.53' // paywire's default spec version

const env = process.env
const BASE = env.SAFERPAY_BASE_URL.replace(/\/$/, '')
const OFFERS_URL = `${BASE}/rest/customers/${env.SAFERPAY_CUSTOMER_ID}/terminals/${env.SAFERPAY_TERMINAL_ID}/spg-offers`
const AUTH = 'Basic ' + Buffer.from(`${env.SAFERPAY_USERNAME}:${env.SAFERPAY_PASSWORD}`).toString('base64')
const EXPIRES = new Date(Date.now() + 7 * 86400e3)
const EXPIRES_WIRE = EXPIRES.toISOString().replace(/\.\d{3}Z$/, '+00:00')
const RUN = `${process.pid}-${Date.now()}`
let counter = 0
const orderId = () => `bench-node-${RUN}-${counter++}`

const paywire = new SaferpayClient({
  customerId: env.SAFERPAY_CUSTOMER_ID,
  username: env.SAFERPAY_USERNAME,
  password: env.SAFERPAY_PASSWORD,
  terminalId: env.SAFERPAY_TERMINAL_ID,
  baseUrl: BASE,
  maxRetries: 0,
})
const amount = { minor: 404, currency: 'CHF' }

const impls = {
  paywire: {
    async get_offer(offerId) {
      const offer = await paywire.getOffer({ offerId })
      if (!offer.offerId) throw new Error('no offerId')
    },
    async create_offer() {
      const offer = await paywire.createOffer({ amount, orderId: orderId(), description: 'Benchmark offer', expiresAt: EXPIRES })
      if (!offer.paymentLink) throw new Error('no paymentLink')
      return offer.offerId
    },
  },
  fetch: {
    async get_offer(offerId) {
      const response = await fetch(`${OFFERS_URL}/${offerId}`, {
        headers: {
          Authorization: AUTH,
          Accept: 'application/json',
          'Saferpay-ApiVersion': API_VERSION,
          'Saferpay-RequestId': randomUUID(),
        },
      })
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
      const offer = await response.json()
      if (!offer.OfferId) throw new Error('no OfferId')
    },
    async create_offer() {
      const response = await fetch(OFFERS_URL, {
        method: 'POST',
        headers: {
          Authorization: AUTH,
          Accept: 'application/json',
          'Content-Type': 'application/json; charset=utf-8',
          'Saferpay-ApiVersion': API_VERSION,
          'Saferpay-RequestId': randomUUID(),
        },
        body: JSON.stringify({
          Payment: {
            Amount: { Value: '404', CurrencyCode: 'CHF' },
            OrderId: orderId(),
            Description: 'Benchmark offer',
          },
          ExpirationDate: EXPIRES_WIRE,
          Payer: {},
        }),
      })
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
      const offer = await response.json()
      if (!offer.PaymentLink) throw new Error('no PaymentLink')
      return offer.OfferId
    },
  },
}

/** `calls` calls with `concurrency` in flight; returns each call's latency (s) and the wall time. */
async function run(impl, op, offerId, calls, concurrency) {
  const latencies = []
  let remaining = calls
  const worker = async () => {
    while (remaining > 0) {
      remaining--
      const t0 = performance.now()
      await impl[op](offerId)
      latencies.push((performance.now() - t0) / 1e3)
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { latencies, wall: (performance.now() - t0) / 1e3 }
}

function summary(parts) {
  const sorted = parts.flatMap((p) => p.latencies).sort((a, b) => a - b)
  const wall = parts.reduce((s, p) => s + p.wall, 0)
  const pct = (p) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] * 1e6
  return { calls: sorted.length, p50_us: pct(50), p99_us: pct(99), per_s: sorted.length / wall }
}

const offerId = await impls.paywire.create_offer()
for (const op of ['get_offer', 'create_offer']) {
  for (const [mode, concurrency, calls] of [
    ['sequential', 1, SEQ_CALLS],
    [`x${CONCURRENCY}`, CONCURRENCY, PAR_CALLS],
  ]) {
    const names = Object.keys(impls)
    for (const name of names) await run(impls[name], op, offerId, Math.max(WARMUP, concurrency * 2), concurrency)
    const parts = Object.fromEntries(names.map((n) => [n, []]))
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse()
      for (const name of order) {
        parts[name].push(await run(impls[name], op, offerId, Math.floor(calls / ROUNDS), concurrency))
      }
    }
    for (const name of names) {
      const row = { part: 'node', mode, op, impl: name, concurrency, ...summary(parts[name]) }
      process.stdout.write(JSON.stringify(row) + '\n')
      process.stderr.write(
        `node ${mode.padEnd(10)} ${op.padEnd(12)} ${name.padEnd(8)} p50 ${row.p50_us.toFixed(1).padStart(8)} µs  ` +
          `p99 ${row.p99_us.toFixed(1).padStart(8)} µs  ${row.per_s.toFixed(0).padStart(7)}/s\n`,
      )
    }
  }
}
