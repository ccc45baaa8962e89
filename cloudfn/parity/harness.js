'use strict'
// `cloudfn parity`'s Node side: load one cloud function once, then run the
// events it is sent on stdin (one JSON line each, one at a time) and answer
// each with one line on stdout. Answers carry a marker so the function's own
// console output can share stdout.
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

// What an uncaught error is, as compared with the port's: an SDK error by its
// errCode/errMsg (as JSON.stringify writes it), any other by "Name: message".
function thrown (err) {
  if (err && typeof err.errCode === 'number') {
    return JSON.stringify({ errCode: err.errCode, errMsg: err.errMsg })
  }
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

// getWXContext() reads process.env at each call, so each event's WX context
// is put there (and the previous one's removed) before main runs.
let contextKeys = []
function setWXContext (wxContext) {
  for (const key of contextKeys) delete process.env[key]
  contextKeys = Object.keys(wxContext || {}).map((k) => (k.startsWith('WX_') ? k : `WX_${k}`))
  Object.entries(wxContext || {}).forEach(([k, v], i) => { process.env[contextKeys[i]] = String(v) })
  if (contextKeys.length) process.env.WX_CONTEXT_KEYS = contextKeys.join(',')
  else delete process.env.WX_CONTEXT_KEYS
}

const lines = readline.createInterface({ input: process.stdin, terminal: false })
lines.on('line', async (line) => {
  const { id, event, wxContext, context } = JSON.parse(line)
  setWXContext(wxContext)
  try {
    const result = await fn.main(event, context)
    // The platform hands the caller null for an undefined result.
    const text = JSON.stringify(result)
    send({ type: 'result', id, json: text === undefined ? 'null' : text })
  } catch (err) {
    send({ type: 'threw', id, message: thrown(err), stack: describe(err) })
  }
})
lines.on('close', () => process.exit(0))
