const cloud = require('wx-server-sdk')
cloud.init()

function parseAmount(value) {
  const amount = parseFloat(value)
  if (isNaN(amount) || amount <= 0) {
    throw new Error(`invalid amount: ${value}`)
  }
  return amount
}

exports.main = async (event) => {
  try {
    const cents = Math.round(parseAmount(event.amount) * 100)
    return { ok: true, cents }
  } catch (err) {
    return { ok: false, message: err.message }
  }
}
