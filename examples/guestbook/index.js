// A guestbook cloud function (Node original): messages in the `messages` collection.
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

const db = cloud.database()
const _ = db.command
const $ = db.command.aggregate
const messages = db.collection('messages')

exports.main = async (event, context) => {
  const { OPENID } = cloud.getWXContext()
  try {
    switch (event.action) {
      case 'post': {
        const added = await messages.add({
          data: {
            author: OPENID,
            text: event.text,
            tags: event.tags || [],
            likes: 0,
            approved: false,
            createdAt: db.serverDate(),
            place: db.Geo.Point(113.32, 23.1)
          }
        })
        const saved = await messages.doc(added._id).get()
        return { added, saved: saved.data }
      }
      case 'list': {
        return await messages
          .where({ approved: true, likes: _.gte(event.minLikes || 0) })
          .orderBy('likes', 'desc')
          .orderBy('createdAt', 'asc')
          .skip(event.skip || 0)
          .limit(event.limit || 10)
          .field({ text: true, author: true, likes: true, createdAt: true })
          .get()
      }
      case 'search': {
        const where = { text: db.RegExp({ regexp: event.q, options: 'i' }) }
        const found = await messages.where(where).get()
        const counted = await messages.where(where).count()
        return { found: found.data.map((m) => m._id), total: counted.total }
      }
      case 'byTags': {
        return await messages.where(_.or([{ tags: _.in(event.tags) }, { likes: _.gt(event.likesOver) }])).orderBy('_id', 'asc').get()
      }
      case 'like': {
        const updated = await messages.doc(event.id).update({
          data: { likes: _.inc(1), likedBy: _.push(OPENID), lastLikedAt: db.serverDate(), 'meta.score': _.mul(2) }
        })
        const after = await messages.doc(event.id).get()
        return { updated, likes: after.data.likes }
      }
      case 'edit': {
        return await messages.doc(event.id).set({ data: { author: OPENID, text: event.text, approved: false, likes: 0 } })
      }
      case 'get': {
        return await messages.doc(event.id).get()
      }
      case 'remove': {
        return await messages.doc(event.id).remove()
      }
      case 'approve': {
        return await messages.where({ author: _.in(event.authors), approved: _.neq(true) }).update({ data: { approved: true, reviewedAt: new Date('2026-11-20T10:00:00.000Z') } })
      }
      case 'purge': {
        return await messages.where({ likes: _.lt(1), approved: false }).remove()
      }
      case 'stats': {
        return await messages
          .aggregate()
          .match({ approved: true })
          .group({ _id: '$author', posts: $.sum(1), likes: $.sum('$likes') })
          .sort({ likes: -1, _id: 1 })
          .end()
      }
      case 'count': {
        return await messages.where({ approved: event.approved }).count()
      }
      case 'transfer': {
        // Move likes from one message to another: both or neither.
        return await db.runTransaction(async (transaction) => {
          const from = await transaction.collection('messages').doc(event.from).get()
          if (from.data.likes < event.amount) {
            await transaction.rollback('not enough likes')
            return null
          }
          await transaction.collection('messages').doc(event.from).update({ data: { likes: _.inc(-event.amount) } })
          await transaction.collection('messages').doc(event.to).update({ data: { likes: _.inc(event.amount) } })
          return { moved: event.amount }
        })
      }
      case 'createBoard': {
        return await db.createCollection(event.name)
      }
      default:
        return { error: `unknown action ${event.action}` }
    }
  } catch (err) {
    if (typeof err === 'string') return { aborted: err }
    return { errCode: err.errCode, errMsg: err.errMsg }
  }
}
