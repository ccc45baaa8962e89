const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const wxContext = cloud.getWXContext()
  try {
    const result = await cloud.openapi.logistics.updatePrinter({
      openid: wxContext.OPENID,
      updateType: event.unbind ? 'unbind' : 'bind',
      tagidList: (event.tags || ['1']).join(','),
    })
    return { ok: true, errMsg: result.errMsg }
  } catch (err) {
    return { ok: false, errCode: err.errCode, errMsg: err.errMsg }
  }
}
