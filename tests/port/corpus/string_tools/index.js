const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const text = event.text || ''
  const words = text.split(' ').filter(w => w.length > 0)
  return {
    upper: text.toUpperCase(),
    words: words.length,
    slug: words.join('-').toLowerCase(),
    initials: words.map(w => w.charAt(0)).join(''),
    code: String(event.n || 7).padStart(4, '0'),
    masked: text.length > 4 ? text.substring(0, 2) + '***' + text.slice(-2) : text,
    hasHello: text.includes('hello'),
    position: text.indexOf('o'),
    startsWithA: text.startsWith('a'),
    firstSpaceGone: text.replace(' ', '_'),
  }
}
