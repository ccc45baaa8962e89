const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const content = (event.content || '').trim()
  if (!content) {
    return { ok: false, reason: 'empty' }
  }
  try {
    await cloud.openapi.security.msgSecCheck({ content })
    return { ok: true }
  } catch (err) {
    if (err.errCode === 87014) {
      return { ok: false, reason: 'risky' }
    }
    return { ok: false, reason: 'error', errCode: err.errCode }
  }
}
