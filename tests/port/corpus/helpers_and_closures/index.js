const cloud = require('wx-server-sdk')
cloud.init()

const TAX = { food: 0.06, book: 0, other: 0.13 }

const taxOf = (item) => {
  const rate = TAX[item.kind] === undefined ? TAX.other : TAX[item.kind]
  return Math.round(item.price * rate * 100) / 100
}

function summarize(items, currency = 'CNY') {
  let total = 0
  for (const item of items) {
    total += item.price + taxOf(item)
  }
  return { total: Math.round(total * 100) / 100, currency }
}

exports.main = async (event) => {
  const items = event.items || []
  const byKind = {}
  for (const item of items) {
    if (!byKind[item.kind]) {
      byKind[item.kind] = 0
    }
    byKind[item.kind] += 1
  }
  return { ...summarize(items), byKind }
}
