// Secrets scan: with the core logging at its most verbose (PAYWIRE_LOG=trace in a child node
// process, whose stdout and stderr are captured), run every shared scenario, then search the
// logs, every result and error, and the inspect/String/JSON output of every client and of the
// sandbox for each secret: the sandbox's password, client secret and API key, their HTTP Basic
// forms, and every access and refresh token the sandbox issued. Zero hits allowed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Sandbox } from 'paywire'

const here = dirname(fileURLToPath(import.meta.url))
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64')

/** Runs `node script args…` (in this folder) with `env`; resolves with exit code, stdout, stderr. */
function run(script, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const stdout = []
    const stderr = []
    child.stdout.on('data', (chunk) => stdout.push(chunk))
    child.stderr.on('data', (chunk) => stderr.push(chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') })
    })
  })
}

test('secrets scan: no secret in TRACE logs, results, errors or inspect output of any scenario', async () => {
  const work = mkdtempSync(join(tmpdir(), 'paywire-secrets-'))
  try {
    const outFile = join(work, 'scan.json')
    const env = { ...process.env, PAYWIRE_LOG: 'trace' }
    const child = await run(join(here, 'secrets-scan.mjs'), [outFile], env, 600_000)
    const logs = child.stdout + child.stderr
    assert.equal(child.code, 0, `the scan process failed (${child.signal ?? child.code}):\n${child.stderr.slice(-4000)}`)
    const scan = JSON.parse(readFileSync(outFile, 'utf8'))
    assert.deepEqual(scan.failures, [], 'scenarios failed in the scan process')

    const c = Sandbox.credentials
    const credentials = [
      c.saferpayPassword,
      c.secuconnectClientSecret,
      c.sekurepayApiKey,
      b64(`${c.saferpayUsername}:${c.saferpayPassword}`),
      b64(`${c.sekurepayApiKey}:`),
      b64(`${c.secuconnectClientId}:${c.secuconnectClientSecret}`),
    ]
    for (const secret of credentials) assert.ok(typeof secret === 'string' && secret.length >= 8, 'a credential is missing')
    const tokens = [...new Set(scan.tokens)].filter((t) => !credentials.includes(t))
    for (const token of tokens) assert.ok(typeof token === 'string' && token.length >= 8, `a token is too short to scan for`)
    const secrets = [...new Set([...credentials, ...tokens])]

    const hits = []
    for (const secret of secrets) {
      for (const [place, text] of [['logs', logs], ['results and errors', scan.transcript]]) {
        if (text.includes(secret)) hits.push(`${place} contain a secret starting ${JSON.stringify(secret.slice(0, 4))}`)
      }
    }
    const kib = (text) => Math.round(Buffer.byteLength(text, 'utf8') / 1024)
    console.log(
      `node secrets scan: ${secrets.length} secrets (${tokens.length} tokens), ${kib(logs)} KiB of logs, ` +
        `${kib(scan.transcript)} KiB of results and errors, ${hits.length} hits`,
    )

    // The scan must not pass vacuously: the scenarios sent requests and issued tokens, TRACE
    // logging produced core events for every request, and the transcript holds what the clients
    // show (their non-secret ids).
    assert.ok(scan.runs > 10 && scan.steps > 200, `only ${scan.runs} scenario runs, ${scan.steps} steps`)
    assert.ok(scan.requests > 20, `only ${scan.requests} requests reached the sandbox`)
    assert.ok(tokens.length > 0, 'the scenarios should have issued tokens')
    assert.ok(Buffer.byteLength(logs) > 32 * 1024, `TRACE logging produced only ${kib(logs)} KiB`)
    const lines = logs.split('\n')
    const traceEvents = lines.filter((line) => / TRACE /.test(line)).length
    const requestEvents = lines.filter((line) => line.includes(' paywire.request{')).length
    assert.ok(traceEvents > 50, `only ${traceEvents} TRACE events`)
    assert.ok(requestEvents >= scan.requests, `${requestEvents} events inside request spans for ${scan.requests} requests`)
    assert.match(logs, / paywire::http: /, 'no events of the paywire core in the logs')
    assert.ok(scan.transcript.includes(c.secuconnectClientId), 'the transcript misses the clients')
    assert.ok(scan.transcript.includes(c.saferpayCustomerId), 'the transcript misses the clients')
    assert.deepEqual(hits, [])
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})

test('PAYWIRE_LOG: nothing is logged without it; its filter selects the level', async () => {
  const script = [
    "import { Sandbox } from 'paywire'",
    'const sandbox = await Sandbox.start()',
    'await sandbox.saferpayClient().license()',
    'await sandbox.close()',
    "console.log('done')",
  ].join('\n')
  const eval_ = (env) => run('--input-type=module', ['-e', script], env, 60_000)
  const { PAYWIRE_LOG: _, ...quiet } = process.env
  const off = await eval_(quiet)
  assert.equal(off.code, 0, off.stderr)
  assert.equal(off.stdout, 'done\n')
  assert.equal(off.stderr, '', 'logged without PAYWIRE_LOG')
  const debug = await eval_({ ...quiet, PAYWIRE_LOG: 'debug' })
  assert.equal(debug.code, 0, debug.stderr)
  assert.match(debug.stderr, / DEBUG .*paywire::http: response /)
  assert.doesNotMatch(debug.stderr, / TRACE /)
})
