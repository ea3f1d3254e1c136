/** @type {import('aegir').PartialOptions} */
export default {
  build: {
    bundle: false
  },
  test: {
    // real nodes over real sockets: allow for a slow shared machine
    timeout: 60_000,
    // report every failing test, not only the first
    bail: false
  }
}
