// Child process of secrets.test.mjs (started with PAYWIRE_LOG=trace, so the core logs every
// event to this process's stderr): runs every shared scenario and writes to the file named by
// argv[2] everything the package showed a caller — every result (JSON.stringify with `raw`, and
// util.inspect), every error (message, String(), util.inspect, JSON.stringify, `raw`), the
// util.inspect / String() / JSON.stringify of every client and of the sandbox — together with
// the tokens the sandbox issued. The parent searches that and the logs for every secret.
// Nothing secret is printed here.
import util from 'node:util'
import { writeFileSync } from 'node:fs'

import { Sandbox } from 'paywire'
import { loadScenarios, runScenario, variants } from './scenario-runner.mjs'

const outFile = process.argv[2]
if (!outFile) throw new Error('usage: node secrets-scan.mjs OUT.json')

const transcript = []
const record = (...texts) => {
  for (const text of texts) transcript.push(String(text))
}
const inspect = (value) => util.inspect(value, { depth: Infinity, showHidden: false })
const shows = (object) => record(inspect(object), String(object), JSON.stringify(object))

const sandbox = await Sandbox.start()
const tokens = new Set()
const collectTokens = () => {
  for (const token of sandbox.issuedTokens()) tokens.add(token)
}
const clients = []
const observe = {
  clients(created) {
    for (const client of Object.values(created)) {
      clients.push(client)
      shows(client)
    }
  },
  result(value) {
    record(JSON.stringify(value), inspect(value))
  },
  error(error) {
    record(error?.message, String(error), inspect(error), JSON.stringify(error), JSON.stringify(error?.raw ?? null))
    if (error?.stack) record(error.stack)
  },
  // Tokens live until the next reset (each scenario starts with one): collect them after every step.
  step: collectTokens,
}

const failures = []
let runs = 0
let steps = 0
let requests = 0
for (const { file, scenario } of loadScenarios(process.env.PAYWIRE_SCENARIOS)) {
  for (const [label, initial] of variants(scenario)) {
    try {
      await runScenario(sandbox, file, scenario, initial, observe)
    } catch (error) {
      observe.error(error)
      failures.push(`${file}${label}: ${error?.message ?? error}`)
    }
    collectTokens()
    requests += sandbox.stats().requests
    runs++
    steps += scenario.steps.length
  }
}
for (const client of clients) shows(client)
shows(sandbox)
await sandbox.close()
shows(sandbox)

writeFileSync(outFile, JSON.stringify({ runs, steps, requests, failures, tokens: [...tokens], transcript: transcript.join('\n') }))
console.log(`secrets-scan child: ${runs} scenario runs, ${steps} steps, ${requests} requests, ${failures.length} failures`)
