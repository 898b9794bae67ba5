// The shared scenario runner (tests/scenarios/*.json), used by scenarios.test.mjs and by the
// secrets scan (secrets-scan.mjs). Names are converted from API.md's snake_case to camelCase
// (not inside free-form maps such as `extra`, as the tables say); a table row is called with one
// object, as every user calls it; a call this runner does not know fails the scenario (never
// skipped).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'

import { OPERATIONS, PaywireError, ValidationError, TransactionIterator, SmartTransactionIterator, SecuconnectClient } from 'paywire'

/** Every scenario file of `dir` (sorted), parsed: `[{ file, scenario }]`. */
export function loadScenarios(dir) {
  assert.ok(dir, 'PAYWIRE_SCENARIOS must point at tests/scenarios')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, scenario: JSON.parse(readFileSync(join(dir, file), 'utf8')) }))
}

/** The bad-input corpus: files named `bad_input_*.json`, one invalid input per failing step. */
export const isBadInput = (file) => file.startsWith('bad_input_')

/** How many invalid inputs a bad-input scenario holds (its steps that expect an error). */
export const badInputCount = (scenario) => scenario.steps.filter((s) => s.expect_error).length

/**
 * Calls that are not rows of the operation tables keep positional arguments (required ones, in
 * API.md order; the rest go in the options). Every table row takes one object.
 */
const SIGNATURES = {
  saferpay: {
    create_payment_link: ['amount', 'order_id', 'description'],
    get_payment_link: ['id'],
    cancel_payment_link: ['id'],
  },
  secuconnect: {
    device_authorize: ['uuid'],
    create_payment_link: ['amount', 'order_id', 'description'],
    get_payment_link: ['id'],
    cancel_payment_link: ['id'],
  },
  sekurepay: {},
}

const SANDBOX_ACTIONS = {
  pay_offer: (s, a) => s.payOffer(a.offer_id, a.outcome),
  pay_payment_page: (s, a) => s.payPaymentPage(a.token, a.outcome),
  complete_smart_transaction: (s, a) => s.completeSmartTransaction(a.id, a.outcome),
  pay_payment_link: (s, a) => {
    if (a.provider === 'saferpay') return s.payOffer(a.id, a.outcome)
    if (a.provider === 'secuconnect') return s.completeSmartTransaction(a.id, a.outcome)
    throw new Error(`no payment links on ${a.provider}`)
  },
  inject_fault: (s, a) => s.injectFault(a.route, a.mode, a.count ?? 1),
  advance_clock: (s, a) => s.advanceClock(a.seconds),
  expire_tokens: (s) => s.expireTokens(),
  reset: (s) => s.reset(),
}

const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

function camelKeys(value) {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]))
  }
  return value
}

const pad = (n) => String(n).padStart(2, '0')
const isoDate = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
const DAY = 86400e3
const UNITS = { m: 60e3, h: 3600e3, d: DAY }

function builtin(name, saved, sandbox) {
  if (name === 'unique') return `n-${randomUUID().slice(0, 18)}`
  if (name === 'yesterday') return isoDate(new Date(Date.now() - DAY))
  if (name === 'sandbox_url') return sandbox.url
  let m = /^now([+-])(\d+)([mhd])$/.exec(name)
  if (m) {
    const delta = Number(m[2]) * UNITS[m[3]] * (m[1] === '-' ? -1 : 1)
    return new Date(Date.now() + delta).toISOString().replace(/\.\d+Z$/, 'Z')
  }
  m = /^days_ago:(-?\d+)$/.exec(name)
  if (m) return isoDate(new Date(Date.now() - Number(m[1]) * DAY))
  if (Object.hasOwn(saved, name)) return saved[name]
  throw new Error(`unknown placeholder \${${name}}`)
}

function substitute(value, saved, sandbox) {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value)
    if (whole) return builtin(whole[1], saved, sandbox)
    return value.replace(/\$\{([^}]+)\}/g, (_, name) => String(builtin(name, saved, sandbox)))
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, saved, sandbox))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, saved, sandbox)]))
  }
  return value
}

function pick(result, path) {
  if (path === '.') return result
  return path.split('.').reduce((obj, key) => (obj == null ? undefined : obj[camel(key)]), result)
}

/** Subset match: every expected key present and equal (null = absent or null). */
function matches(actual, expected, where, convertKeys) {
  if (expected === null) {
    assert.ok(actual === null || actual === undefined, `${where}: expected null/absent, got ${JSON.stringify(actual)}`)
    return
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected a list, got ${JSON.stringify(actual)}`)
    assert.equal(actual.length, expected.length, `${where}: list length`)
    expected.forEach((e, i) => matches(actual[i], e, `${where}[${i}]`, convertKeys))
    return
  }
  if (typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: expected an object, got ${JSON.stringify(actual)}`)
    for (const [key, value] of Object.entries(expected)) {
      const name = convertKeys ? camel(key) : key
      matches(actual[name], value, `${where}.${name}`, convertKeys)
    }
    return
  }
  assert.deepEqual(actual, expected, `${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

async function clientCall(clients, step, saved, sandbox) {
  if (step.client === 'secuconnect' && step.call === 'parse_push') {
    const body = substitute(step.args ?? {}, saved, sandbox).body
    return SecuconnectClient.parsePush(typeof body === 'string' ? body : JSON.stringify(body))
  }
  const client = clients[step.client]
  const method = camel(step.call)
  assert.equal(typeof client?.[method], 'function', `${step.client} client has no ${method}()`)
  const args = substitute(step.args ?? {}, saved, sandbox)
  const row = OPERATIONS.find((r) => r.provider === step.client && r.operation === step.call)
  let result
  if (row) {
    const input = {}
    for (const [name, value] of Object.entries(args)) {
      const param = row.params.find((p) => p.param === name)
      input[camel(name)] = param?.freeForm ? value : camelKeys(value)
    }
    result = client[method](input)
  } else {
    const signature = SIGNATURES[step.client]?.[step.call]
    if (!signature) throw new Error(`runner does not know ${step.client}.${step.call}`)
    const positional = signature.map((name) => camelKeys(args[name]))
    const options = {}
    for (const [name, value] of Object.entries(args)) {
      if (!signature.includes(name)) options[camel(name)] = camelKeys(value)
    }
    result = client[method](...positional, options)
  }
  if (result instanceof TransactionIterator || result instanceof SmartTransactionIterator) {
    const items = []
    for await (const item of result) items.push(item)
    items.total = result instanceof TransactionIterator ? result.totalTransactions : result.total
    return items
  }
  return await result
}

/** A matrix runs the scenario once per value: `{"provider": ["saferpay", "secuconnect"]}`. */
export function variants(scenario) {
  const [name, values] = Object.entries(scenario.matrix ?? {})[0] ?? []
  if (!name) return [['', {}]]
  return values.map((value) => [` [${name}=${value}]`, { [name]: value }])
}

/**
 * Runs one scenario (one matrix variant) against `sandbox`, from a reset. `observe` (optional)
 * sees what the scenario produced: `clients(clients)`, `result(value, where)` for every call and
 * sandbox action, `error(err, where)` for every expected error, `step(where)` after every step.
 * In a bad-input file every error must be a `ValidationError` naming its field, and no request
 * may reach the sandbox. Returns how many invalid inputs were checked.
 */
export async function runScenario(sandbox, file, scenario, initial = {}, observe = {}) {
  const badInput = isBadInput(file)
  let invalidInputs = 0
  sandbox.reset()
  const clients = {
    saferpay: sandbox.saferpayClient(),
    secuconnect: sandbox.secuconnectClient(),
    sekurepay: sandbox.sekurepayClient(),
  }
  observe.clients?.(clients)
  const saved = { ...initial }
  for (const [index, raw] of scenario.steps.entries()) {
    const step = { ...raw, client: raw.client === undefined ? undefined : substitute(raw.client, saved, sandbox) }
    const where = `${file} step ${index + 1} (${step.call ?? step.sandbox})`
    let result
    if (step.sandbox) {
      const action = SANDBOX_ACTIONS[step.sandbox]
      if (!action) throw new Error(`${where}: runner does not know sandbox.${step.sandbox}`)
      result = await action(sandbox, substitute(step.args ?? {}, saved, sandbox))
      observe.result?.(result, where)
    } else if (step.expect_error) {
      let error
      let succeeded = false
      try {
        result = await clientCall(clients, step, saved, sandbox)
        succeeded = true
      } catch (e) {
        error = e
      }
      if (succeeded) observe.result?.(result, where)
      if (error !== undefined) observe.error?.(error, where)
      assert.ok(error instanceof PaywireError, `${where}: expected a ${step.expect_error.kind} error, got ${succeeded ? 'success' : error}`)
      assert.equal(error.kind, step.expect_error.kind, `${where}: kind (${error.message})`)
      assert.equal(error.code, `PAYWIRE_${step.expect_error.kind.toUpperCase()}`, `${where}: code`)
      if ('code' in step.expect_error) assert.equal(error.providerCode, step.expect_error.code, `${where}: providerCode`)
      if ('field' in step.expect_error) assert.equal(error.field, step.expect_error.field, `${where}: field (${error.message})`)
      if (badInput) {
        assert.ok(error instanceof ValidationError, `${where}: expected a ValidationError, got ${error.name}`)
        assert.ok(typeof error.field === 'string' && error.field.length > 0, `${where}: the error names no field (${error.message})`)
        assert.equal(sandbox.stats().requests, 0, `${where}: a request reached the sandbox`)
        invalidInputs++
      }
      result = undefined
    } else {
      result = await clientCall(clients, step, saved, sandbox)
      observe.result?.(result, where)
    }
    if ('expect_count' in step) {
      const expected = step.expect_count === 'total' ? result.total : step.expect_count
      assert.equal(typeof expected, 'number', `${where}: no total reported`)
      assert.equal(result.length, expected, `${where}: count`)
      if (step.expect_unique) {
        assert.equal(new Set(result.map((t) => t.id)).size, result.length, `${where}: ids repeat`)
      }
    }
    if (step.expect) matches(result, substitute(step.expect, saved, sandbox), where, true)
    if (step.expect_stats) matches(sandbox.stats(), step.expect_stats, `${where} stats`, false)
    for (const [name, path] of Object.entries(step.save ?? {})) {
      saved[name] = pick(result, path)
      assert.notEqual(saved[name], undefined, `${where}: nothing to save at ${path}`)
    }
    observe.step?.(where)
  }
  if (badInput) {
    assert.equal(invalidInputs, badInputCount(scenario), `${file}: invalid inputs checked`)
    assert.equal(sandbox.stats().requests, 0, `${file}: requests reached the sandbox`)
  }
  return invalidInputs
}
