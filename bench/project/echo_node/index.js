exports.main = async (event) => ({ echo: event.n })
