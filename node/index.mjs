// ESM entry point: the same objects as the CommonJS entry (one native module per process).
import paywire from './index.js'

export const {
  version,
  setLogger,
  Money,
  SaferpayClient,
  SecuconnectClient,
  SekurePayClient,
  Sandbox,
  TransactionIterator,
  SmartTransactionIterator,
  DeviceAuthorization,
  AbortError,
  PaywireError,
  ValidationError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  DeclinedError,
  RateLimitedError,
  ApiError,
  TransportError,
  DecodeError,
  ConfigurationError,
  InternalError,
  OutcomeUnknownError,
  ERROR_KINDS,
  OPERATIONS,
  operationTable,
  recordTable,
  _panicForTest,
  _panicForTestSync,
} = paywire

export default paywire
