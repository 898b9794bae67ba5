// An Express shop taking payments through paywire: the Saferpay payment page with its return
// and notify routes, and a secuconnect Smart Transaction with its push route.
//
//   POST /orders                  {"amount":"25.00","currency":"EUR","description":"…"}
//                                 -> {"orderId","redirectUrl"}   (Saferpay payment page)
//   GET  /saferpay/return?ref=…   the payer's browser comes back
//   GET  /saferpay/notify?ref=…   Saferpay's bodiless notification
//   POST /secuconnect/orders      {"amount":"19.90","currency":"EUR"}
//                                 -> {"orderId","smartTransactionId","paymentLink"}
//   POST /secuconnect/push        secuconnect's push notification
//   GET  /orders/:id              what the shop knows about an order
//
// Configuration: SAFERPAY_* and SECUCONNECT_* (as `paywire sandbox` prints them), PORT, and
// PUBLIC_URL, the address the providers and the payer reach this app at.
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import express from 'express'
import * as payments from './payments.mjs'

const PAYMENT_TRANSACTIONS = 'payment.transactions'

export function createApp() {
  const { saferpay, secuconnect } = payments.clientsFromEnv()
  // What the shop keeps (a database in a real shop).
  const orders = new Map()
  const refs = new Map()
  const handledPushes = new Set()
  // Per order, the settle in progress: return and notify take turns.
  const settling = new Map()

  const app = express()
  const base = (req) => (process.env.PUBLIC_URL || `${req.protocol}://${req.get('host')}`).replace(/\/$/, '')
  const newId = () => `order-${randomBytes(8).toString('hex')}`

  app.post('/orders', express.json(), async (req, res, next) => {
    try {
      const { amount, currency, description } = req.body
      const orderId = newId()
      // An unguessable reference in the URLs Saferpay and the payer call; never the token.
      const ref = randomBytes(16).toString('hex')
      const url = (path) => `${base(req)}${path}?${new URLSearchParams({ ref })}`
      const session = await payments.startPaymentPage(saferpay, {
        amount, currency, orderId, description,
        returnUrl: url('/saferpay/return'),
        notifyUrl: url('/saferpay/notify'),
      })
      orders.set(orderId, { orderId, status: 'open', token: session.token, seen: [] })
      refs.set(ref, orderId)
      res.json({ orderId, redirectUrl: session.redirectUrl })
    } catch (e) {
      next(e)
    }
  })

  // Both triggers ask paymentOutcome; the chain per order lets only the first one capture.
  function settle(orderId, trigger) {
    const previous = settling.get(orderId) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(async () => {
      const order = orders.get(orderId)
      order.seen.push(trigger)
      if (order.status !== 'open') return order
      let payment
      try {
        payment = await payments.paymentOutcome(saferpay, order.token)
      } catch (e) {
        // Declined or aborted: the payer may try again with a new order. Other errors answer
        // 500, and Saferpay notifies again later.
        if (e instanceof payments.DeclinedError) {
          order.status = 'failed'
          order.error = e.message
          return order
        }
        throw e
      }
      const tx = payment.transaction
      order.transactionId = tx.id
      if (tx.status === 'AUTHORIZED') {
        order.captureId = (await payments.capture(saferpay, tx.id)).captureId
        order.status = 'paid'
      } else if (tx.status === 'CAPTURED') {
        order.captureId = tx.captureId
        order.status = 'paid'
      }
      return order
    })
    settling.set(orderId, next)
    return next
  }

  app.get('/saferpay/return', async (req, res, next) => {
    try {
      const orderId = refs.get(String(req.query.ref))
      if (!orderId) return res.status(404).send('unknown order')
      const order = await settle(orderId, 'return')
      res.send(order.status === 'paid'
        ? `Thank you: order ${orderId} is paid.`
        : `Order ${orderId} was not paid; please try again.`)
    } catch (e) {
      next(e)
    }
  })

  app.get('/saferpay/notify', async (req, res, next) => {
    try {
      const orderId = refs.get(String(req.query.ref))
      if (orderId) await settle(orderId, 'notify')
      // Unknown (or forged) references get 200 too, so they are not repeated.
      res.sendStatus(200)
    } catch (e) {
      next(e)
    }
  })

  app.post('/secuconnect/orders', express.json(), async (req, res, next) => {
    try {
      const { amount, currency } = req.body
      const orderId = newId()
      const stx = await payments.createSmartTransaction(secuconnect, {
        amount, currency, merchantRef: orderId, pushUrl: `${base(req)}/secuconnect/push`,
      })
      orders.set(orderId, { orderId, status: 'open', smartTransactionId: stx.id, pushes: [] })
      res.json({ orderId, smartTransactionId: stx.id, paymentLink: stx.paymentLink })
    } catch (e) {
      next(e)
    }
  })

  // The raw body: parsePush reads it as sent.
  app.post('/secuconnect/push', express.raw({ type: '*/*' }), async (req, res, next) => {
    try {
      let push
      try {
        push = payments.parsePush(req.body)
      } catch {
        return res.status(400).send('not a push')
      }
      if (handledPushes.has(push.id)) return res.sendStatus(200) // deliveries repeat
      // A push is unsigned and has no status: read what it names through the API.
      for (const object of push.objects) {
        if (object.object !== PAYMENT_TRANSACTIONS) continue
        const transaction = await payments.getPaymentTransaction(secuconnect, object.id)
        const order = orders.get(transaction.orderId)
        if (!order) continue
        order.status = transaction.statusSimpleText
        order.paymentTransactionId = transaction.id
        order.pushes.push(push.id)
      }
      handledPushes.add(push.id)
      res.sendStatus(200)
    } catch (e) {
      next(e)
    }
  })

  app.get('/orders/:id', (req, res) => {
    const order = orders.get(req.params.id)
    if (!order) return res.sendStatus(404)
    const { token, ...shown } = order
    res.json(shown)
  })

  return app
}

// `node shop.mjs` serves it; tests import createApp().
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 3000)
  createApp().listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))
}
