// The generated files (scripts/gen-operations.mjs) match the tables of the native module this
// package was built with: a row, parameter, default or doc changed in core without
// regenerating fails here.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'

const nodeDir = process.env.PAYWIRE_NODE_DIR
import { ERROR_KINDS, operationTable, recordTable } from 'paywire'

const require = createRequire(import.meta.url)
const installed = dirname(require.resolve('paywire/package.json'))

test('operations.js, operations.d.ts and test/parity.test.mjs are generated from the tables and records', async () => {
  assert.ok(nodeDir, 'PAYWIRE_NODE_DIR must point at node/')
  const { generate } = await import(pathToFileURL(join(nodeDir, 'scripts/gen-operations.mjs')).href)
  const files = generate(operationTable(), readFileSync(join(installed, 'native.d.ts'), 'utf8'), [...ERROR_KINDS], recordTable())
  for (const [path, text] of Object.entries(files)) {
    const committed = path.startsWith('test/') ? join(nodeDir, path) : join(installed, path)
    assert.equal(readFileSync(committed, 'utf8'), text, `${path} is stale: run node scripts/gen-operations.mjs`)
  }
})
