// Types of the ESM entry point: the same declarations as the CommonJS one.
export * from './index.js'
import paywire from './index.js'
export default paywire
