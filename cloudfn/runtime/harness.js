'use strict'
// A Node cloud function run by cloudfn (serve, invoke, parity): load the
// function once, then run the invocations it is sent on stdin (one JSON line
// each, one at a time) and answer each with one line on stdout. Answers carry
// a marker so the function's own console output can share stdout.
const path = require('path')
const readline = require('readline')

const MARK = '\u001eCLOUDFN '
const dir = path.resolve(process.argv[2])

function send (message) {
  process.stdout.write(MARK + JSON.stringify(message) + '\n')
}

function describe (err) {
  return String((err && err.stack) || err)
}

// What an uncaught error is, as parity compares it with the port's: an SDK
// error as JSON.stringify writes it ({errCode, errMsg}, plus callFunction's
// code and requestId), any other by "Name: message".
function thrown (err) {
  if (err && typeof err.errCode === 'number') return JSON.stringify(err)
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return `uncaught ${typeof err}: ${JSON.stringify(err)}`
}

let fn
try {
  fn = require(dir)
} catch (err) {
  const missing = err && err.code === 'MODULE_NOT_FOUND'
  send({ type: 'fatal', kind: missing ? 'module_not_found' : 'load', message: describe(err) })
  process.exit(2)
}
if (!fn || typeof fn.main !== 'function') {
  send({ type: 'fatal', kind: 'no_main', message: `${dir}: the module does not export a main function` })
  process.exit(2)
}
send({ type: 'ready' })

// getWXContext() reads process.env at each call, so each invocation's
// variables (WX_CONTEXT_KEYS, WX_OPENID, TCB_SOURCE, ...) are put there as the
// platform passes them, and the previous invocation's are undone first.
const saved = new Map()
function setEnviron (environ) {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  saved.clear()
  for (const [key, value] of Object.entries(environ || {})) {
    saved.set(key, process.env[key])
    process.env[key] = String(value)
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false })
lines.on('line', async (line) => {
  const { id, event, environ, context } = JSON.parse(line)
  setEnviron(environ)
  try {
    const result = await fn.main(event, context)
    // The platform hands the caller null for an undefined result.
    const text = JSON.stringify(result)
    send({ type: 'result', id, json: text === undefined ? 'null' : text })
  } catch (err) {
    send({
      type: 'threw',
      id,
      message: err && err.message !== undefined ? String(err.message) : String(err),
      errorType: err && err.name ? String(err.name) : typeof err,
      thrown: thrown(err),
      stack: describe(err)
    })
  }
})
lines.on('close', () => process.exit(0))
