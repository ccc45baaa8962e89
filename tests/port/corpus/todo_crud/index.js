const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()
const todos = db.collection('todos')

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  if (event.action === 'add') {
    const res = await todos.add({ data: { owner: OPENID, title: event.title, done: false } })
    return { id: res._id }
  } else if (event.action === 'list') {
    const res = await todos.where({ owner: OPENID }).orderBy('title', 'asc').get()
    return res.data.map(t => ({ title: t.title, done: t.done }))
  } else if (event.action === 'done') {
    const res = await todos.doc(event.id).update({ data: { done: true } })
    return { updated: res.stats.updated }
  } else if (event.action === 'remove') {
    const res = await todos.doc(event.id).remove()
    return { removed: res.stats.removed }
  }
  return { error: 'unknown action' }
}
