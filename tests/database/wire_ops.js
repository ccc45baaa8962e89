// Database calls through the unmodified Node SDK, for the wire comparison in test_wire.py.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
const $ = db.command.aggregate
const w = db.collection('w')

const steps = [
  () => db.createCollection('w'),
  () => w.where({ a: 1, b: { c: _.gt(1).and(_.lt(5)) }, d: db.RegExp({ regexp: 'x', options: 'i' }), e: _.in([1, 2]), f: new Date(1700000000123) })
    .orderBy('a', 'desc').orderBy('b.c', 'asc').skip(2).limit(5).field({ a: true, b: 1, c: 0 }).get(),
  () => w.where(_.or([{ a: _.exists(true) }, { b: _.size(2) }])).count(),
  () => w.where({ n: _.neq(3), m: _.nin(['x']), t: _.all(['a', 'b']), l: _.elemMatch({ x: _.gt(1) }), k: _.mod(3, 1), z: _.not(_.gt(1)) }).limit(2000).get(),
  () => w.where({ a: _.nor([_.eq(1), _.lte(0)]), b: _.gte(2).or(_.lt(-2)) }).get(),
  () => w.doc('x').update({ data: { a: _.inc(1), b: _.push('z'), c: _.remove(), 'd.e': _.mul(2), f: { g: _.addToSet('y'), h: 3 }, i: _.pull(_.gt(2)), j: _.pop(), k: _.shift(), l: _.unshift([1, 2]), m: _.rename('mm'), n: _.max(5), o: _.min(1), p: _.push({ each: [1], position: 0, slice: 3 }), q: _.set({ r: 1 }), s: 1.5 } }),
  () => w.doc('y').set({ data: { a: 1, when: db.serverDate({ offset: 1000 }), loc: db.Geo.Point(1, 2), big: 2 ** 40, nested: { x: [1, { y: 'z' }] } } }),
  () => w.add({ data: [{ a: 1 }, { b: new Date(0) }] }),
  () => w.add({ data: { _id: 'k1', t: 'single' } }),
  () => w.aggregate().match({ a: _.gt(1) }).group({ _id: '$a', t: $.sum('$b'), m: $.max('$c') }).sort({ t: -1 }).skip(1).limit(5).project({ x: 1 }).end(),
  () => w.where({ a: 1 }).update({ data: { b: 2 } }),
  () => w.where({ a: 2 }).remove(),
  () => w.doc('k1').field({ t: true }).get(),
  () => w.doc('k1').remove(),
  () => w.doc('k1').get(),
  () => w.count(),
  () => w.where({ loc: _.geoNear({ geometry: db.Geo.Point(1, 2), maxDistance: 100 }) }).get(),
  () => w.where({ loc: _.geoWithin({ centerSphere: [db.Geo.Point(1, 2), 0.1] }) }).count(),
  () => w.where(_.expr($.gt(['$a', '$b']))).get(),
  () => w.where({ a: null, b: _.lt(new Date(5)), c: _.lte(db.serverDate()) }).get(),
  () => w.field({ arr: _.project.slice(2) }).get(),
  () => w.doc('y').update({ data: { arr: _.push({ each: [3, 1], sort: 1 }), when: db.serverDate() } }),
  () => w.aggregate().addFields({ z: $.concat(['$t', '!']) }).unwind('$arr').lookup({ from: 'w', localField: 'a', foreignField: 'a', as: 'j' })
    .project({ z: 1, c: $.cond({ if: $.gte(['$a', 1]), then: 'big', else: 'small' }) }).end(),
  () => w.doc('g').set({ data: { line: db.Geo.LineString([db.Geo.Point(0, 0), db.Geo.Point(1, 1)]), poly: db.Geo.Polygon([db.Geo.LineString([db.Geo.Point(0, 0), db.Geo.Point(1, 0), db.Geo.Point(1, 1), db.Geo.Point(0, 0)])]) } }),
  () => w.doc('g').get(),
  () => db.collection('none').aggregate().group({ _id: 1 }).end(),
  () => db.createCollection('w'),
  async () => { const tx = await db.startTransaction(); await tx.commit(); return await tx.commit() }
]

;(async () => {
  for (const step of steps) {
    try {
      console.log(JSON.stringify(await step()))
    } catch (err) {
      console.log(JSON.stringify(err))
    }
  }
})()
