'use strict'
// The Node SDK side of bench_cpu.py: N updatePrinter calls at concurrency C through the
// unmodified wx-server-sdk (environment set by the caller), CPU time measured in-process.
const path = require('path')
const [seedDir, calls, concurrency, warmup] = [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5]]
const cloud = require(path.join(path.resolve(seedDir), 'node_modules', 'wx-server-sdk'))
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const SEED = { openid: 'oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw', updateType: 'bind', tagidList: '123,456' }

async function run (n) {
  let next = 0
  let errors = 0
  async function worker () {
    while (next < n) {
      next += 1
      try {
        const r = await cloud.openapi.logistics.updatePrinter(SEED)
        if (r.errCode !== 0) errors += 1
      } catch (err) {
        errors += 1
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
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
