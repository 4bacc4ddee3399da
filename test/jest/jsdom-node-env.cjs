// jsdom for the simulated pages, plus the Node globals the real api router needs in the
// same process (jose signs tokens with WebCrypto and TextEncoder, which jsdom leaves out).
const { TestEnvironment } = require('jest-environment-jsdom')
const { webcrypto } = require('node:crypto')
const { TextEncoder, TextDecoder } = require('node:util')

module.exports = class JsdomWithNodeGlobals extends TestEnvironment {
  async setup() {
    await super.setup()
    Object.assign(this.global, { TextEncoder, TextDecoder, structuredClone })
    Object.defineProperty(this.global, 'crypto', { value: webcrypto, configurable: true })
  }
}
