const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const players = (event.players || []).slice()
  players.sort((a, b) => b.score - a.score)
  const ranked = players.map((p, i) => ({ rank: i + 1, name: p.name, score: p.score }))
  const me = ranked.find(p => p.name === event.me)
  return {
    top3: ranked.slice(0, 3),
    me: me || null,
    myIndex: ranked.findIndex(p => p.name === event.me),
    anyPerfect: players.some(p => p.score === 100),
    allPassed: players.every(p => p.score >= 60),
    best: Math.max(...players.map(p => p.score)),
  }
}
