const cloud = require('wx-server-sdk')
cloud.init()

const STEPS = ['created', 'paid', 'shipped', 'received']

exports.main = async (event) => {
  const current = STEPS.indexOf(event.status)
  if (current === -1) {
    return { error: `unknown status ${event.status}` }
  }
  const history = []
  for (let i = 0; i <= current; i++) {
    history.push({ step: i + 1, status: STEPS[i] })
  }
  let next = null
  if (current < STEPS.length - 1) {
    next = STEPS[current + 1]
  }
  return { history, next, done: next === null }
}
