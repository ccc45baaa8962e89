const cloud = require('wx-server-sdk')
cloud.init()

const PHONE = /^1[3-9]\d{9}$/

function check(form) {
  const errors = []
  const name = (form.name || '').trim()
  if (!name) {
    errors.push('name is required')
  } else if (name.length > 20) {
    errors.push('name is too long')
  }
  if (!PHONE.test(form.phone || '')) {
    errors.push('phone is invalid')
  }
  if (form.age !== undefined && (form.age < 0 || form.age > 150)) {
    errors.push('age is out of range')
  }
  return errors
}

exports.main = async (event) => {
  const errors = check(event.form || {})
  if (errors.length > 0) {
    return { ok: false, errors }
  }
  return { ok: true, name: event.form.name.trim() }
}
