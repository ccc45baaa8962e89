'use strict'
// bench_project's Node side: drives a function directly (require + main) or calls
// another function with cloud.callFunction, N times in a row; prints per-call times (µs).
const path = require('path')
const [mode, target, count] = process.argv.slice(2)
const n = Number(count)
const times = []

async function main () {
  if (mode === 'direct') {
    const fn = require(path.resolve(target))
    await fn.main({ n: -1 }, {})
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint()
      await fn.main({ n: i }, {})
      times.push(Number(process.hrtime.bigint() - t) / 1000)
    }
  } else {
    const cloud = require(path.resolve('bench/project/node_modules/wx-server-sdk'))
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    await cloud.callFunction({ name: target, data: { n: -1 } })
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint()
      const res = await cloud.callFunction({ name: target, data: { n: i } })
      if (res.result.echo !== i) throw new Error(`bad answer ${JSON.stringify(res)}`)
      times.push(Number(process.hrtime.bigint() - t) / 1000)
    }
  }
  process.stdout.write(JSON.stringify(times) + '\n')
}
main().catch((err) => { console.error(err); process.exit(1) })
