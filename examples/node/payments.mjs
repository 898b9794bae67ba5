// Every paywire call the shop makes, in one place: the routes in shop.mjs call these and
// nothing else of paywire. (When the paywire API changes shape, this file is what changes.)
import { DeclinedError, Money, SaferpayClient, SecuconnectClient } from 'paywire'

export { DeclinedError }

/** Clients from the environment (SAFERPAY_*, SECUCONNECT_*), as `paywire sandbox` prints it. */
export function clientsFromEnv() {
  return { saferpay: SaferpayClient.fromEnv(), secuconnect: SecuconnectClient.fromEnv() }
}

/** Starts a Saferpay payment page; resolves to `{ token, redirectUrl }`. */
export function startPaymentPage(saferpay, { amount, currency, orderId, description, returnUrl, notifyUrl }) {
  return saferpay.initializePaymentPage({
    amount: Money.parse(amount, currency),
    orderId,
    description,
    returnUrl,
    successNotifyUrl: notifyUrl,
    failNotifyUrl: notifyUrl,
  })
}

/** The payment behind a payment page token (one Assert per token, shared by every caller). */
export function paymentOutcome(saferpay, token) {
  return saferpay.paymentOutcome({ token })
}

/** Captures an authorization in full; resolves to `{ captureId, status }`. */
export function capture(saferpay, transactionId) {
  return saferpay.capture({ transactionId })
}

/** A Smart Transaction whose pushes go to `pushUrl`; `merchantRef` comes back as `orderId`. */
export function createSmartTransaction(secuconnect, { amount, currency, merchantRef, pushUrl }) {
  return secuconnect.createSmartTransaction({
    amount: Money.parse(amount, currency),
    merchantRef,
    autoCapture: true,
    returnUrls: { urlPush: pushUrl },
  })
}

/** Parses a push body (throws a ValidationError on anything that is not a push). */
export function parsePush(body) {
  return SecuconnectClient.parsePush(body)
}

/** Reads a Payment Transaction through the authenticated API. */
export function getPaymentTransaction(secuconnect, id) {
  return secuconnect.getPaymentTransaction({ id })
}
