// Type-level test: every public method with its types (checked by `tsc --noEmit`, not run).
import {
  Sandbox,
  SaferpayClient,
  Money,
  TransactionIterator,
  PaywireError,
  ValidationError,
  NotFoundError,
  AbortError,
  InternalError,
  _panicForTest,
  _panicForTestSync,
  version,
  type Offer,
  type License,
  type Terminal,
  type PaymentPageConfiguration,
  type ReportedTransaction,
  type CallOptions,
  type ErrorKind,
  type SandboxStats,
  type SandboxCredentials,
  type SecuconnectBankAccount,
  SecuconnectClient,
  SekurePayClient,
  SmartTransactionIterator,
  DeviceAuthorization,
  type PaymentPageSession,
  type Payment,
  type Capture,
  type CaptureStatus,
  type RefundStatus,
  type Cancellation,
  type PaymentLink,
  type SmartTransaction,
  type PaymentTransaction,
  type PushNotification,
  type TokenInfo,
  type SekurePayOrder,
} from 'paywire'

export async function everyMethod(): Promise<void> {
  const sandbox: Sandbox = await Sandbox.start({ port: 0 })
  const client: SaferpayClient = sandbox.saferpayClient({ timeoutMs: 5000, maxRetries: 1 })
  const explicit = new SaferpayClient({ customerId: '1', username: 'u', password: 'p', terminalId: '12345678', environment: 'test' })
  const fromEnv: SaferpayClient = SaferpayClient.fromEnv({ maxRetries: 0 })
  const signal: AbortSignal = new AbortController().signal
  const opts: CallOptions = { signal }

  const amount: Money = Money.parse('4.04', 'CHF')
  const minor: number = amount.minor
  const text: string = Money.format(Money.fromMinor(minor, amount.currency))

  const offer: Offer = await client.createOffer({
    amount,
    orderId: 'o-1',
    description: 'Invoice',
    expiresAt: new Date(),
    payer: { languageCode: 'de', billingAddress: { firstName: 'Ada' } },
    preAuth: false,
    configSet: 'default',
    maxPaymentAttempts: 3,
    registerAlias: false,
    billingAddressForm: { addressSource: 'SAFERPAY', mandatoryFields: ['CITY'] },
    order: { items: [{ name: 'Book', quantity: 1, unitPrice: { minor: 404, currency: 'CHF' } }] },
    condition: 'NONE',
    terminalId: '17757531',
    requestId: 'r-1',
    timeoutMs: 5000,
    maxRetries: 0,
    signal,
  })
  const offerId: string = offer.offerId
  const status: string = (await client.getOffer({ offerId, terminalId: '17757531', ...opts })).status
  await client.deleteOffer({ offerId, ...opts })
  const license: License = await client.license(opts)
  const legacy: License = await client.licenseConfiguration()
  const terminals: Terminal[] = await client.terminals()
  const terminal: Terminal = await client.terminal({ terminalId: '17757531', signal })
  const kind: string = terminal.type
  const configurations: PaymentPageConfiguration[] = await client.paymentPageConfigurations()
  const token: string = await client.createFieldsAccessToken({ description: 'Fields', sourceUrls: ['https://shop.example/'], terminalId: '17757531' })
  await client.deleteFieldsAccessToken({ accessToken: token, ...opts })
  const iterator: TransactionIterator = client.transactions({
    start: '2026-01-01',
    end: '2026-01-02T23:59',
    state: 'SUCCESSFUL',
    pageSize: 500,
    batchSize: 100,
    resumeAtPage: 1,
    signal,
  })
  for await (const tx of iterator) {
    const t: ReportedTransaction = tx
    const m: number | undefined = t.amount?.minor
  }
  const total: number | null = iterator.totalTransactions
  const some: ReportedTransaction[] = await client.transactions({ start: '2026-01-01', end: '2026-01-02' }).toArray({ limit: 10 })

  await sandbox.payOffer(offerId, 'success')
  await sandbox.payPaymentPage('token', 'decline')
  await sandbox.completeSmartTransaction('id', 'failure')
  sandbox.injectFault('saferpay.*', 'delay', { count: 2, delayMs: 100 })
  sandbox.injectFault('*', 'error_500', 1)
  sandbox.advanceClock(3600)
  sandbox.expireTokens()
  const stats: SandboxStats = sandbox.stats()
  const tokens: string[] = sandbox.issuedTokens()
  const credentials: Readonly<SandboxCredentials> = Sandbox.credentials
  const password: string = credentials.saferpayPassword
  const secret: string = Sandbox.credentials.secuconnectClientSecret
  const apiKey: string = Sandbox.credentials.sekurepayApiKey
  const inFlight: number = stats.max_in_flight
  sandbox.reset()
  const url: string = sandbox.url
  await sandbox.close()

  try {
    await _panicForTest('x')
    _panicForTestSync('y')
  } catch (e) {
    if (e instanceof PaywireError) {
      const k: ErrorKind = e.kind
      const c: string = e.code
      const h: number | null = e.httpStatus
      const p: string | null = e.providerCode
      const f: string | null = e.field
      const r: 'no' | 'yes' | 'later' = e.retryable
      const u: boolean = e.outcomeUnknown
      const d: string[] = e.details
      const id: string | null = e.requestId
    }
    if (e instanceof ValidationError || e instanceof NotFoundError || e instanceof InternalError) throw e
    if (e instanceof AbortError) {
      const n: 'AbortError' = e.name
    }
  }
  const v: string = version
  void [explicit, fromEnv, status, license, legacy, terminals, kind, configurations, total, some, inFlight, tokens, password, secret, apiKey, url, text, v]
}

export async function otherMethods(sandbox: Sandbox): Promise<void> {
  const saferpay = sandbox.saferpayClient()
  const chf: Money = { minor: 1000, currency: 'CHF' }
  const session: PaymentPageSession = await saferpay.initializePaymentPage({
    amount: chf,
    orderId: 'o',
    description: 'd',
    returnUrl: 'https://shop.example/r',
    paymentMethods: ['VISA'],
    payer: { languageCode: 'en' },
    preAuth: true,
    terminalId: '17757531',
    successNotifyUrl: 'https://shop.example/n',
    failNotifyUrl: 'https://shop.example/f',
    requestId: 'r',
    signal: AbortSignal.timeout(1000),
  })
  const payment: Payment = await saferpay.assertPaymentPage({ token: session.token })
  const again: Payment = await saferpay.paymentOutcome({ token: session.token })
  const capture: Capture = await saferpay.capture({ transactionId: payment.transaction.id, amount: chf })
  const captureStatus: CaptureStatus = await saferpay.assertCapture({ captureId: capture.captureId ?? '' })
  const refund: Payment = await saferpay.refund({ captureId: capture.captureId ?? '', amount: chf, orderId: 'o', description: 'd' })
  const refundStatus: RefundStatus = await saferpay.assertRefund({ transactionId: refund.transaction.id })
  const inquired: Payment = await saferpay.inquire({ transactionId: payment.transaction.id })
  const cancellation: Cancellation = await saferpay.cancel({ transactionId: payment.transaction.id })
  const type: string = inquired.transaction.type
  // Rows new to Node with the tables.
  const part: Capture = await saferpay.multipartCapture({ transactionId: 't', amount: chf, captureType: 'PARTIAL', orderPartId: 'p-1' })
  await saferpay.multipartFinalize({ transactionId: 't', requestId: 'r' })
  void part
  for (const client of [saferpay, sandbox.secuconnectClient()]) {
    const link: PaymentLink = await client.createPaymentLink(chf, 'o', 'd', { expiresAt: new Date() })
    const got: PaymentLink = await client.getPaymentLink(link.id)
    const gone: PaymentLink = await client.cancelPaymentLink(link.id, { signal: AbortSignal.timeout(100) })
    void [got, gone]
  }

  const secuconnect: SecuconnectClient = sandbox.secuconnectClient()
  const other = new SecuconnectClient({ clientId: 'a', clientSecret: 'b', environment: 'testing', contractId: 'GCR_1' })
  const fromEnv: SecuconnectClient = SecuconnectClient.fromEnv()
  const stx: SmartTransaction = await secuconnect.createSmartTransaction({
    amount: chf,
    intent: 'sale',
    contractId: 'GCR_1',
    customer: { contact: { email: 'a@example.com' } },
    checkoutTemplate: 'COT_WD_UNIVERSALPAY',
    language: 'de',
    returnUrls: { urlSuccess: 'https://shop.example/ok' },
    autoCapture: true,
    merchantRef: 'm',
    transactionRef: 't',
    isDemo: true,
  })
  await secuconnect.getSmartTransaction({ id: stx.id })
  await secuconnect.updateSmartTransaction({ id: stx.id, merchantRef: 'm2', extra: { anyProviderKey: 1 }, signal: AbortSignal.timeout(100) })
  await secuconnect.prepareSmartTransaction({ id: stx.id, paymentMethod: 'invoice', containerId: 'PCT_1' })
  const account: SecuconnectBankAccount = { owner: 'Max Muster', iban: 'DE02120300000000202051', bic: 'BYLADEM1001' }
  await secuconnect.prepareSmartTransaction({ id: stx.id, paymentMethod: 'debit', bankAccount: account })
  await secuconnect.prepareSmartTransaction({ id: stx.id, paymentMethod: 'debit', bankAccount: { owner: 'Max Muster', iban: 'DE02120300000000202051' } })
  await secuconnect.startSmartTransaction({ id: stx.id, paymentMethod: 'invoice' })
  await secuconnect.cancelSmartTransaction({ id: stx.id })
  await secuconnect.abortSmartTransaction({ id: stx.id })
  const pt: PaymentTransaction = await secuconnect.getPaymentTransaction({ id: 'PCI_1' })
  const delivered: SmartTransaction = await secuconnect.setDelivery({ id: stx.id, delivery: { type: 'collection' } })
  const paymentStatus: Record<string, unknown> = await secuconnect.checkPaymentStatus({ id: 'PCI_1' })
  const pushed: PaymentTransaction[] = await secuconnect.fetchPushPaymentTransactions({ body: '{}' })
  void [delivered, paymentStatus, pushed]
  const cancelled: PaymentTransaction[] = await secuconnect.cancelPaymentTransaction({ id: 'PCI_1', reduceAmountBy: chf })
  const push: PushNotification = SecuconnectClient.parsePush('{}')
  const ids: string[] = push.objectIds
  const pushType: string = push.type
  const authorization: DeviceAuthorization = await secuconnect.deviceAuthorize('uuid')
  const code: string = authorization.userCode
  const token: TokenInfo = await secuconnect.devicePoll(authorization)
  const listing: SmartTransactionIterator = secuconnect.smartTransactions({ query: 'status:ok', sort: 'created:asc', pageSize: 10, batchSize: 5 })
  for await (const item of listing) {
    const s: SmartTransaction = item
    void s
  }
  const totalStx: number | null = listing.total

  const sekurepay: SekurePayClient = sandbox.sekurepayClient()
  const explicit = new SekurePayClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/sekurepay/api/v1' })
  const sekureEnv: SekurePayClient = SekurePayClient.fromEnv()
  const order: SekurePayOrder = await sekurepay.createOrder({
    orderId: 'o',
    currency: 'USD',
    items: [{ description: 'x', amountCents: 100, quantity: 2 }],
    taxes: [{ description: 'VAT', amountCents: 10 }],
    shippingAmountCents: 5,
  })
  const read: SekurePayOrder = await sekurepay.getOrder({ orderId: order.id })
  const same: SekurePayOrder = await sekurepay.findOrCreateOrder({ orderId: 'o', currency: 'USD', items: [{ description: 'x', amountCents: 100 }] })
  void same
  await sandbox.approveDevice(code)
  void [again, captureStatus, refundStatus, cancellation, type, other, fromEnv, pt, cancelled, ids, pushType, token, totalStx, explicit, sekureEnv, read]
}

// @ts-expect-error amounts are { minor, currency }
await sandboxClient().createOffer({ amount: 404, orderId: 'o', description: 'd', expiresAt: new Date() })
// @ts-expect-error one object per call, not positional arguments
await sandboxClient().getOffer('offer-id')
// @ts-expect-error a required parameter is missing
await sandboxClient().getOffer({ terminalId: '17757531' })
// @ts-expect-error no such method
sandboxClient().capture2('x')
// @ts-expect-error the push type is `type` (API.md), not `pushType`
SecuconnectClient.parsePush('{}').pushType

function sandboxClient(): SaferpayClient {
  return new SaferpayClient({ customerId: '1', username: 'u', password: 'p' })
}
