'use strict'
// The Node SDK side of bench_database.py: N database calls through the unmodified
// wx-server-sdk (environment set by the caller), CPU time measured in-process.
const path = require('path')
const [exampleDir, op, calls, warmup, docs] = [process.argv[2], process.argv[3], +process.argv[4], +process.argv[5], +process.argv[6]]
const cloud = require(path.join(path.resolve(exampleDir), 'node_modules', 'wx-server-sdk'))
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
const items = db.collection('items')

async function once (i) {
  if (op === 'query') {
    const r = await items.where({ owner: `u${i % 50}`, done: false }).orderBy('score', 'desc').limit(20).get()
    return r.data.length > 0
  }
  const r = await items.doc(`d${(i * 7919) % docs}`).update({ data: { score: _.inc(1) } })
  return r.stats.updated === 1
}

async function run (n) {
  let errors = 0
  for (let i = 0; i < n; i++) {
    try {
      if (!(await once(i))) errors += 1
    } catch (err) {
      errors += 1
    }
  }
  return errors
}

(async () => {
  await run(warmup)
  const cpu0 = process.cpuUsage()
  const wall0 = process.hrtime.bigint()
  const errors = await run(calls)
  const cpu = process.cpuUsage(cpu0)
  const wall = Number(process.hrtime.bigint() - wall0) / 1e9
  process.stdout.write(JSON.stringify({ cpu: (cpu.user + cpu.system) / 1e6, wall, errors }) + '\n')
})()
