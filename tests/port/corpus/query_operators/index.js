const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()
const _ = db.command

exports.main = async (event) => {
  const res = await db.collection('products').where({
    price: _.gt(event.min || 0).and(_.lte(event.max || 1000)),
    category: _.in(event.categories || ['tea', 'coffee']),
    stock: _.neq(0),
  }).orderBy('price', 'asc').get()
  return { names: res.data.map(p => p.name), cheapest: res.data.length ? res.data[0].price : null }
}
