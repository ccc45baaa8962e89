const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const names = event.functions || ['login', 'whoami']
  try {
    const results = await Promise.all(names.map(name => cloud.callFunction({ name, data: { probe: true } })))
    return { ok: true, answered: results.map(r => r.errMsg) }
  } catch (err) {
    return { ok: false, errMsg: err.errMsg }
  }
}
