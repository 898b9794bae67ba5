// The README's Node examples (ESM and CommonJS) run unchanged against the installed package.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'

const readme = readFileSync(process.env.PAYWIRE_README, 'utf8')
const app = process.env.PAYWIRE_APP_DIR

function example(kind) {
  const m = new RegExp(`<!-- example:${kind} -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme)
  assert.ok(m, `README has no ${kind} example`)
  return m[1]
}

for (const [kind, file] of [['esm', 'readme-example.mjs'], ['cjs', 'readme-example.cjs']]) {
  test(`README example runs (${kind})`, () => {
    const path = join(app, file)
    writeFileSync(path, example(kind))
    const out = execFileSync(process.execPath, [path], { cwd: app, encoding: 'utf8', timeout: 120_000 })
    assert.match(out, /PAID/)
    if (kind === 'esm') {
      assert.match(out, /PAYWIRE_NOT_FOUND 404/)
      assert.match(out, /PAYWIRE_VALIDATION description/)
      assert.match(out, /\d+ transactions yesterday/)
    }
  })
}

test('TypeScript: README example and typed usage of every method pass tsc --noEmit', () => {
  writeFileSync(join(app, 'readme-example.mjs'), '// @ts-check\n' + example('esm'))
  writeFileSync(join(app, 'readme-example.cjs'), '// @ts-check\n' + example('cjs'))
  const tsc = process.env.PAYWIRE_TSC
  assert.ok(tsc, 'PAYWIRE_TSC must point at tsc')
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8' })
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`)
  }
})
