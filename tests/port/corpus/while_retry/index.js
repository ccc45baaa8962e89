const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  let attempts = 0
  let value = event.start || 1
  while (value < (event.target || 100) && attempts < 10) {
    value = value * 2
    attempts++
  }
  const labels = { 0: 'none', 1: 'one' }
  return { value, attempts, label: labels[attempts] || 'many' }
}
