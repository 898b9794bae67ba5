// Type-level test of the CommonJS entry point.
import paywire = require('paywire')

export async function cjs(): Promise<string> {
  const sandbox = await paywire.Sandbox.start()
  const offer: paywire.Offer = await sandbox
    .saferpayClient()
    .createOffer({ amount: paywire.Money.parse('1', 'CHF'), orderId: 'o', description: 'd', expiresAt: '2030-01-01T00:00:00Z' })
  await sandbox.close()
  return offer.paymentLink
}
