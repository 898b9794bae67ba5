// Public types of `paywire`. Data types are generated from the Rust side by `napi build`
// (native.d.ts), the operations and their input types from the core's tables by
// scripts/gen-operations.mjs (operations.d.ts); this file is the thin hand-written layer napi
// cannot express: the per-call options, the error classes, async iterators, and the wrapper
// classes that carry them.

import type * as N from './native'
import type { ErrorKind, SaferpayClientOperations, SecuconnectClientOperations, SekurePayClientOperations } from './operations'

export type * from './operations'

export type {
  Card,
  Liability,
  PayPalAccount,
  Payment,
  PaymentLink,
  PaymentLinkOptions,
  PaymentMeans,
  PushNotification,
  RegistrationResult,
  SaferpayBankAccount,
  SandboxCredentials,
  SecuconnectBankAccount,
  SekurePayClientOptions,
  SekurePayOrder,
  SekurePayOrderItem,
  SekurePayTax,
  SmartTransaction,
  ThreeDs,
  TokenInfo,
  Transaction,
  Address,
  BillingAddressForm,
  ClientEnvOptions,
  FaultOptions,
  Feature,
  License,
  Order,
  OrderItem,
  Payer,
  PaymentMethodInfo,
  PaymentPageConfiguration,
  ReportedTransaction,
  RequestOverrides,
  SaferpayClientOptions,
  SandboxClientOptions,
  SandboxStartOptions,
  Terminal,
  WalletInfo,
  TransactionIteratorOptions,
  SmartTransactionIteratorOptions,
} from './native'

/**
 * Per-call options, given in the same object as the parameters (`saferpay.getOffer({ offerId,
 * signal, timeoutMs })`); methods that are not table rows take them in their trailing options.
 */
export interface CallOptions {
  /** Aborting rejects the call with an `AbortError` and cancels the request in Rust. */
  signal?: AbortSignal
  /** Per-attempt timeout in milliseconds for this call. */
  timeoutMs?: number
  /** Retries after the first attempt for this call. */
  maxRetries?: number
  /** Your own request id (1 to 50 characters), reused on every retry. */
  requestId?: string
}

/** An amount: integer minor units (a safe integer) and an ISO 4217 code. */
export type Money = N.Money
export declare const Money: {
  /** `Money.parse('4.04', 'CHF')` → `{ minor: 404, currency: 'CHF' }`. */
  parse(amount: string, currency: string): Money
  /** Validates minor units and currency; returns the normalised amount. */
  fromMinor(minor: number, currency: string): Money
  /** `Money.format({ minor: 404, currency: 'CHF' })` → `'4.04 CHF'`. */
  format(money: Money): string
}

/** The paywire core version of the loaded native module. */
export declare const version: string

/** One log event of the paywire core (never carries a secret). */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug' | 'trace'
  /** The core module that logged it, e.g. `paywire::oauth::manager`. */
  target: string
  message: string
  fields: Record<string, string>
}

/**
 * Sends the core's log events at `level` (default `'info'`) and above to `logger`;
 * `setLogger(null)` stops. Returns whether events can reach it.
 */
export declare function setLogger(
  logger: ((record: LogRecord) => void) | null,
  level?: 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'off',
): boolean

// ---------------------------------------------------------------------------------------------
// Errors

export declare const ERROR_KINDS: readonly ErrorKind[]

/** Base class of every error paywire raises (except `AbortError`). */
export declare class PaywireError extends Error {
  constructor(message: string, fields?: Partial<PaywireErrorFields>)
  readonly kind: ErrorKind
  /** `PAYWIRE_<KIND>`, e.g. `PAYWIRE_VALIDATION`, `PAYWIRE_NOT_FOUND`. */
  readonly code: string
  /** `saferpay`, `secuconnect`, `sekurepay`, or null for local errors. */
  readonly provider: 'saferpay' | 'secuconnect' | 'sekurepay' | null
  readonly httpStatus: number | null
  /** The provider's error code (Saferpay `ErrorName`, secuconnect `error`, …). */
  readonly providerCode: string | null
  /** The provider's (or paywire's) message without the context `message` adds. */
  readonly providerMessage: string | null
  readonly details: string[]
  readonly requestId: string | null
  /** Whether repeating can help: `no`, `yes`, or `later` (after something changes). */
  readonly retryable: 'no' | 'yes' | 'later'
  /** True when the provider may have executed the request although no answer arrived (the error is then an `OutcomeUnknownError`). */
  readonly outcomeUnknown: boolean
  /** For an unknown outcome: the call that tells whether it happened, e.g. `inquire_by_order_id("pw-rf-…")`. */
  readonly settleWith: string | null
  /** For validation errors: the input field, in API.md's snake_case (`expires_at`, `payer.billing_address.email`). */
  readonly field: string | null
  /** The provider's response body (secrets scrubbed). */
  readonly raw: string | null
}

export interface PaywireErrorFields {
  kind: ErrorKind
  provider: 'saferpay' | 'secuconnect' | 'sekurepay' | null
  httpStatus: number | null
  providerCode: string | null
  providerMessage: string | null
  details: string[]
  requestId: string | null
  retryable: 'no' | 'yes' | 'later'
  outcomeUnknown: boolean
  settleWith: string | null
  field: string | null
  raw: string | null
  cause: unknown
}

/** Bad input; nothing was sent. */
export declare class ValidationError extends PaywireError {}
export declare class AuthenticationError extends PaywireError {}
export declare class PermissionDeniedError extends PaywireError {}
export declare class NotFoundError extends PaywireError {}
/** Wrong state for the operation (already captured, duplicate id …). */
export declare class ConflictError extends PaywireError {}
/** A payment business failure (declined, aborted by the payer, 3-D Secure failed …). */
export declare class DeclinedError extends PaywireError {}
export declare class RateLimitedError extends PaywireError {}
/** Any other provider error. */
export declare class ApiError extends PaywireError {}
/** Connect, reset or timeout; see `outcomeUnknown`. */
export declare class TransportError extends PaywireError {}
/** The provider answered something paywire could not read. */
export declare class DecodeError extends PaywireError {}
export declare class ConfigurationError extends PaywireError {}
/** A bug in paywire (including a Rust panic); the process keeps working. */
export declare class InternalError extends PaywireError {}
/** A call with a side effect may have been executed and paywire could not settle whether; it was not sent again. `settleWith` names the call that tells (docs/exactly-once.md). */
export declare class OutcomeUnknownError extends PaywireError {}

/** Rejection of a call whose `signal` was aborted. */
export declare class AbortError extends Error {
  constructor(message?: string, options?: { cause?: unknown })
  readonly name: 'AbortError'
  readonly code: 'ABORT_ERR'
}

// ---------------------------------------------------------------------------------------------
// Paging

/** Async iterator over a report; fetches serially, in batches, as you consume it. */
export declare class TransactionIterator implements AsyncIterableIterator<N.ReportedTransaction> {
  private constructor()
  /** Total reported by the provider (known after the first page). */
  readonly totalTransactions: number | null
  /** The page the next fetch starts at; pass it as `resumeAtPage` to continue later. */
  readonly nextPageNumber: number
  next(): Promise<IteratorResult<N.ReportedTransaction, undefined>>
  return(value?: unknown): Promise<IteratorResult<N.ReportedTransaction, undefined>>
  throw(error?: unknown): Promise<IteratorResult<N.ReportedTransaction, undefined>>
  [Symbol.asyncIterator](): TransactionIterator
  /** Collects at most `limit` transactions. */
  toArray(options: { limit: number }): Promise<N.ReportedTransaction[]>
}

// ---------------------------------------------------------------------------------------------
// Clients

/** Saferpay: Secure PayGate offers, account queries, Fields tokens, transaction reporting. */
export declare class SaferpayClient {
  constructor(options: N.SaferpayClientOptions)
  /** Reads SAFERPAY_CUSTOMER_ID, SAFERPAY_TERMINAL_ID, SAFERPAY_USERNAME, SAFERPAY_PASSWORD, SAFERPAY_ENVIRONMENT, SAFERPAY_BASE_URL. */
  static fromEnv(options?: N.ClientEnvOptions): SaferpayClient
  readonly customerId: string
  readonly terminalId: string | null
  readonly baseUrl: string
  readonly specVersion: string

  createPaymentLink(
    amount: Money,
    orderId: string,
    description: string,
    options?: N.PaymentLinkOptions & N.RequestOverrides & CallOptions,
  ): Promise<N.PaymentLink>
  getPaymentLink(id: string, options?: N.RequestOverrides & CallOptions): Promise<N.PaymentLink>
  cancelPaymentLink(id: string, options?: N.RequestOverrides & CallOptions): Promise<N.PaymentLink>
  toJSON(): { customerId: string; terminalId: string | null; baseUrl: string; specVersion: string }
  toString(): string
}

/** Async iterator over Smart Transactions (offset paging), fetched in batches. */
export declare class SmartTransactionIterator implements AsyncIterableIterator<N.SmartTransaction> {
  private constructor()
  /** Total matches reported by the provider (known after the first page). */
  readonly total: number | null
  /** The offset the next fetch starts at. */
  readonly offset: number
  next(): Promise<IteratorResult<N.SmartTransaction, undefined>>
  return(value?: unknown): Promise<IteratorResult<N.SmartTransaction, undefined>>
  throw(error?: unknown): Promise<IteratorResult<N.SmartTransaction, undefined>>
  [Symbol.asyncIterator](): SmartTransactionIterator
  toArray(options: { limit: number }): Promise<N.SmartTransaction[]>
}

/**
 * A token store of your own (a Redis or database client): keeps one opaque string per key.
 * The string holds the tokens in the clear: keep it as safely as a password. Each method may
 * answer directly or with a Promise; a store that throws, rejects or takes longer than 3 s
 * costs a token request (logged as a warning), never a failed call.
 */
export interface TokenStore {
  get(key: string): string | null | undefined | Promise<string | null | undefined>
  put(key: string, value: string): unknown
  clear(key: string): unknown
}

/** Constructor options of `SecuconnectClient`. */
export type SecuconnectClientOptions = Omit<N.SecuconnectClientOptions, 'tokenStore' | 'hostTokenStore'> & {
  /**
   * Where tokens are kept: `"memory"` (default), `"file:///dir"`, `"redis://host:port"` (shared
   * by every process and host, refreshed once between them), or a `TokenStore` object.
   */
  tokenStore?: string | TokenStore
}

/** secuconnect: OAuth 2.0 (tokens fetched lazily, cached, refreshed single-flight), Smart Transactions. */
export declare class SecuconnectClient {
  constructor(options: SecuconnectClientOptions)
  /** Reads SECUCONNECT_CLIENT_ID, SECUCONNECT_CLIENT_SECRET, SECUCONNECT_ENVIRONMENT, SECUCONNECT_BASE_URL, SECUCONNECT_CONTRACT_ID, and PAYWIRE_TOKEN_STORE, PAYWIRE_PROXY, PAYWIRE_CA_CERTIFICATES (a PEM file). */
  static fromEnv(options?: N.ClientEnvOptions): SecuconnectClient
  /** Parses a push body (pass the raw body); no network call. */
  static parsePush(body: string | Buffer): N.PushNotification
  readonly clientId: string
  readonly contractId: string | null
  readonly baseUrl: string

  /** Device flow step 1: show `userCode` and `verificationUrl` to the user. */
  deviceAuthorize(uuid: string, options?: N.RequestOverrides & CallOptions): Promise<N.DeviceAuthorization>
  /** Device flow step 2: waits until approved; the client then holds the token. */
  devicePoll(authorization: N.DeviceAuthorization, options?: N.RequestOverrides & CallOptions): Promise<N.TokenInfo>
  createPaymentLink(
    amount: Money,
    orderId: string,
    description: string,
    options?: N.PaymentLinkOptions & N.RequestOverrides & CallOptions,
  ): Promise<N.PaymentLink>
  getPaymentLink(id: string, options?: N.RequestOverrides & CallOptions): Promise<N.PaymentLink>
  cancelPaymentLink(id: string, options?: N.RequestOverrides & CallOptions): Promise<N.PaymentLink>

  toJSON(): { clientId: string; contractId: string | null; baseUrl: string }
  toString(): string
}

/** SekurePay: orders (totals computed and checked by the client). */
export declare class SekurePayClient {
  constructor(options: N.SekurePayClientOptions)
  /** Reads SEKUREPAY_API_KEY and SEKUREPAY_BASE_URL. */
  static fromEnv(options?: N.ClientEnvOptions): SekurePayClient
  readonly baseUrl: string
  toJSON(): { baseUrl: string }
  toString(): string
}

// The generated operations of each client (one method per table row, see operations.d.ts).
export interface SaferpayClient extends SaferpayClientOperations {}
export interface SecuconnectClient extends SecuconnectClientOperations {}
export interface SekurePayClient extends SekurePayClientOperations {}

/** Per row: provider, operation, method, parameters (camelCase) with their defaults, paging. */
export declare const OPERATIONS: ReadonlyArray<{
  readonly provider: 'saferpay' | 'secuconnect' | 'sekurepay'
  readonly operation: string
  readonly method: string
  readonly pageSize: number | null
  readonly params: ReadonlyArray<{ readonly name: string; readonly param: string; readonly default: unknown; readonly freeForm: boolean }>
}>

/** Every row of the core's operation tables as JSON (`paywire::operation::table_json()`). */
export declare function operationTable(): Array<{
  provider: string
  name: string
  doc: string
  safety: 'read' | 'keyed_write' | 'unkeyed_write'
  paging: 'single' | { pages: { page_size: number } }
  input: string
  output: string
  params: Array<{ name: string; rust_type: string; default: string | null; doc: string }>
}>

/** Every output record core declares (`paywire::operation::record::records_json()`). */
export declare function recordTable(): Array<{
  provider: string
  name: string
  doc: string
  fields: Array<{ name: string; rust_type: string; doc: string }>
}>

/** A device authorization (its device code stays inside). */
export { DeviceAuthorization } from './native'

// ---------------------------------------------------------------------------------------------
// Sandbox

/** The embedded sandbox of all three providers on 127.0.0.1, for your own tests. */
export declare class Sandbox {
  private constructor()
  static start(options?: N.SandboxStartOptions): Promise<Sandbox>
  /** The fixed credentials every sandbox accepts (`paywire_sandbox::credentials`). */
  static readonly credentials: Readonly<N.SandboxCredentials>
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  readonly saferpayBaseUrl: string
  readonly secuconnectBaseUrl: string
  readonly sekurepayBaseUrl: string
  readonly closed: boolean
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
  saferpayClient(options?: N.SandboxClientOptions): SaferpayClient
  secuconnectClient(options?: N.SandboxClientOptions): SecuconnectClient
  sekurepayClient(options?: N.SandboxClientOptions): SekurePayClient
  payOffer(offerId: string, outcome?: 'success' | 'decline' | 'abort'): Promise<unknown>
  payPaymentPage(token: string, outcome?: 'success' | 'decline' | 'abort'): Promise<unknown>
  completeSmartTransaction(id: string, outcome?: 'success' | 'failure'): Promise<unknown>
  approveDevice(userCode: string): Promise<void>
  injectFault(route: string, mode: FaultMode, countOrOptions?: number | N.FaultOptions): void
  clearFaults(): void
  /** Whether a repeated Saferpay RequestId gets the first answer back (default true). */
  readonly requestIdReplay: boolean
  /** Off: a repeated request is executed again, as a provider that does not deduplicate would. */
  setRequestIdReplay(enabled: boolean): void
  advanceClock(seconds: number): void
  expireTokens(): void
  /** Counters with snake_case keys (`max_in_flight`, `effects.offers_created`, …). */
  stats(): SandboxStats
  /** Every secuconnect access and refresh token issued since the last `reset()`. */
  issuedTokens(): string[]
  notifications(): unknown
  reset(): void
  toJSON(): { url: string; closed: boolean }
}

export type FaultMode =
  | 'delay'
  | 'error_500'
  | 'error_503_html'
  | 'error_429'
  | 'non_json'
  | 'malformed_json'
  | 'drop_before_commit'
  | 'drop_after_commit'
  | 'expired_token'

export interface SandboxStats {
  requests: number
  in_flight: number
  max_in_flight: number
  effects: Record<string, number>
  duplicates: Record<string, number>
  [key: string]: unknown
}

// ---------------------------------------------------------------------------------------------
// Test hooks

/** Test hook: panics inside the Rust core's runtime; rejects with `InternalError`. */
export declare function _panicForTest(message?: string): Promise<void>
/** Test hook: panics inside the Rust core on the calling thread; throws `InternalError`. */
export declare function _panicForTestSync(message?: string): void
