const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const settings = JSON.parse(event.raw || '{}')
  const entries = Object.entries(settings)
  const enabled = entries.filter(([key, value]) => value === true).map(([key]) => key)
  const merged = { theme: 'light', ...settings, updatedBy: 'cloud' }
  return {
    enabled,
    values: Object.values(settings).length,
    merged,
    text: JSON.stringify({ enabled }),
  }
}
