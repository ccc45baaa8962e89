// Node original: check a user's comment before publishing it (security.msgSecCheck, v2 and v1).
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const { OPENID } = cloud.getWXContext()
  try {
    if (event.version === 1) {
      // The first version: a risky text is an error (87014), a clean one a plain success.
      const checked = await cloud.openapi.security.msgSecCheck({ content: event.content })
      return { publish: true, errCode: checked.errCode, errMsg: checked.errMsg }
    }
    const checked = await cloud.openapi.security.msgSecCheck({
      content: event.content,
      version: 2,
      scene: 2,
      openid: OPENID,
      title: event.title,
    })
    const { suggest, label } = checked.result
    return { publish: suggest === 'pass', suggest, label, strategies: checked.detail.map(d => d.strategy) }
  } catch (err) {
    return { publish: false, errCode: err.errCode, errMsg: err.errMsg }
  }
}
