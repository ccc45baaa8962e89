// Node original: a goods page's mini program code, returned to the caller as the image itself.
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  try {
    const result = await cloud.openapi.wxacode.getUnlimited({
      scene: 'id=' + event.goodsId,
      page: event.page || 'pages/goods/detail',
      width: event.width || 280,
      checkPath: event.checkPath !== false,
      isHyaline: !!event.hyaline,
    })
    // {contentType, buffer, errMsg, errCode}: the Buffer travels as {"type": "Buffer", "data": [...]}.
    return result
  } catch (err) {
    return err
  }
}
