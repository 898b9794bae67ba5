// Part 4 exporter: paywire's Node async iterator (SaferpayClient.transactions), one CSV-ish line
// per transaction on stdout. Usage: node export.mjs START END PAGE_SIZE
import { createRequire } from 'node:module'
import { once } from 'node:events'

const require = createRequire(import.meta.url)
const { SaferpayClient } = require(require.resolve('paywire', { paths: [process.env.BENCH_NODE_APP ?? process.cwd()] }))

const [start, end, pageSize] = process.argv.slice(2)
const env = process.env
const client = new SaferpayClient({
  customerId: env.SAFERPAY_CUSTOMER_ID,
  username: env.SAFERPAY_USERNAME,
  password: env.SAFERPAY_PASSWORD,
  terminalId: env.SAFERPAY_TERMINAL_ID,
  baseUrl: env.SAFERPAY_BASE_URL,
})

let lines = []
const flush = async () => {
  if (lines.length === 0) return
  const chunk = lines.join('')
  lines = []
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain')
}
for await (const tx of client.transactions({ start, end, pageSize: Number(pageSize) })) {
  const a = tx.amount
  lines.push(`${tx.id},${tx.status},${a ? a.minor : ''},${a ? a.currency : ''},${tx.date ?? ''}\n`)
  if (lines.length >= 2000) await flush()
}
await flush()
