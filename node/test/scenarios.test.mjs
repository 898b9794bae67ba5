// Runs every shared scenario (tests/scenarios/*.json) unchanged against the embedded sandbox,
// with the runner in scenario-runner.mjs. The bad-input corpus (bad_input_*.json) must fail
// each input with a ValidationError naming its field before any request is sent.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'

import { Sandbox } from 'paywire'
import { loadScenarios, runScenario, variants, isBadInput, badInputCount } from './scenario-runner.mjs'

const scenarios = loadScenarios(process.env.PAYWIRE_SCENARIOS)

let sandbox
before(async () => {
  sandbox = await Sandbox.start()
})
after(async () => {
  await sandbox?.close()
})

let invalidInputs = 0
for (const { file, scenario } of scenarios) {
  for (const [label, initial] of variants(scenario)) {
    test(`scenario ${file}${label}: ${scenario.name}`, async () => {
      invalidInputs += await runScenario(sandbox, file, scenario, initial)
    })
  }
}

test('bad-input corpus: every invalid input checked', () => {
  const expected = scenarios
    .filter(({ file }) => isBadInput(file))
    .reduce((n, { scenario }) => n + badInputCount(scenario) * variants(scenario).length, 0)
  assert.ok(expected > 0, 'no bad_input_*.json scenarios found')
  assert.equal(invalidInputs, expected)
  console.log(
    `node bad-input corpus: ${invalidInputs} invalid inputs, each a ValidationError naming its field; zero requests reached the sandbox`,
  )
})
