// Test oracle: what wx-server-sdk 4.0.2 itself sends for a database statement.
// Reads a JSON array of statements on stdin; for each, evaluates it with the
// real SDK (db, _ = db.command, $ = db.command.aggregate) and captures the one
// request the SDK hands to its transport, before anything is sent. Prints a
// JSON array of {action, params} or {error} in the same order.
const path = require('path')
const root = path.resolve(process.argv[2])
const cloud = require(path.join(root, 'wx-server-sdk'))
const { Db } = require(path.join(root, '@cloudbase/database'))

cloud.init({ env: 'test-env' })

let captured = null
class CaptureRequest {
  async send(action, params) {
    captured = { action, params: JSON.parse(JSON.stringify(params)) }
    // The SDK stops on a coded answer: the statement's request is all we need.
    return { code: 'CAPTURED', message: 'captured' }
  }
}

async function run(statement) {
  const db = cloud.database()
  Db.reqClass = CaptureRequest
  captured = null
  try {
    const build = new Function('db', '_', '$', `return (${statement.replace(/;\s*$/, '')})`)
    await build(db, db.command, db.command.aggregate)
  } catch (e) {
    if (!captured) return { error: String((e && (e.errMsg || e.message)) || e) }
  }
  return captured || { error: 'no request' }
}

let input = ''
process.stdin.on('data', chunk => (input += chunk))
process.stdin.on('end', async () => {
  const out = []
  for (const statement of JSON.parse(input)) out.push(await run(statement))
  process.stdout.write(JSON.stringify(out))
})
