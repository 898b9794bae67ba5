package com.paywire

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** The Saferpay JSON API, secuconnect and SekurePay methods the scenarios do not reach, async and blocking. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvidersTest {
    private val sandbox = Sandbox.start()
    private val saferpay = sandbox.saferpayClient()
    private val secuconnect = sandbox.secuconnectClient()
    private val sekurepay = sandbox.sekurepayClient()
    private fun unique() = "kt-" + java.util.UUID.randomUUID().toString().take(8)

    @AfterAll
    fun stop() = sandbox.close()

    @BeforeEach
    fun reset() = sandbox.reset()

    private fun effects(): JSONObject = JSONObject(sandbox.stats()).getJSONObject("effects")

    private suspend fun paidTransaction(amount: Long = 1000): String {
        val session = saferpay.initializePaymentPage(SaferpayInitializePaymentPageInput(
            amount = Money(amount, "CHF"), orderId = unique(), description = "Kotlin",
            returnUrl = "https://shop.example/return", paymentMethods = listOf("VISA", "MASTERCARD"),
            payer = Payer(languageCode = "de"), successNotifyUrl = "https://shop.example/notify",
        ))
        assertTrue(session.redirectUrl.startsWith("http://127.0.0.1"), session.redirectUrl)
        sandbox.payPaymentPage(session.token)
        val payment = saferpay.assertPaymentPage(SaferpayAssertPaymentPageInput(session.token))
        assertEquals("AUTHORIZED", payment.transaction.status)
        assertEquals("PAYMENT", payment.transaction.type)
        assertEquals(payment.transaction, saferpay.paymentOutcome(SaferpayPaymentOutcomeInput(session.token)).transaction)
        return payment.transaction.id
    }

    @Test
    fun `saferpay capture, refund and their status`() = runBlocking {
        val tx = paidTransaction()
        val capture = saferpay.capture(SaferpayCaptureInput(tx, Money(600, "CHF")))
        assertEquals("CAPTURED", capture.status)
        val captureId = capture.captureId!!
        assertEquals("CAPTURED", saferpay.assertCapture(SaferpayAssertCaptureInput(captureId)).status)
        val refund = saferpay.refund(SaferpayRefundInput(captureId, Money(100, "CHF"), orderId = unique(), description = "part"))
        assertEquals("REFUND", refund.transaction.type)
        saferpay.capture(SaferpayCaptureInput(refund.transaction.id)) // a refund moves money once captured
        val refundStatus = saferpay.assertRefund(SaferpayAssertRefundInput(refund.transaction.id))
        assertTrue(refundStatus.status.isNotEmpty())
        assertEquals(refund.transaction.id, refundStatus.transactionId)
        val inquired = saferpay.inquire(SaferpayInquireInput(tx))
        assertEquals("CAPTURED", inquired.transaction.status)
        assertNotNull(inquired.paymentMeans.paymentMethod)
        assertEquals(2L, effects().getLong("captures"))
        assertEquals(1L, effects().getLong("refunds"))
    }

    @Test
    fun `saferpay blocking JSON API and links`() {
        val blocking = saferpay.blocking()
        val session = blocking.initializePaymentPage(SaferpayInitializePaymentPageInput(Money(700, "EUR"), unique(), "blocking", "https://shop.example/r"))
        sandbox.payPaymentPage(session.token)
        val payment = blocking.assertPaymentPage(SaferpayAssertPaymentPageInput(session.token))
        assertEquals(payment.transaction.id, blocking.paymentOutcome(SaferpayPaymentOutcomeInput(session.token)).transaction.id)
        val tx = payment.transaction.id
        val capture = blocking.capture(SaferpayCaptureInput(tx))
        assertEquals("CAPTURED", blocking.assertCapture(SaferpayAssertCaptureInput(capture.captureId!!)).status)
        val refund = blocking.refund(SaferpayRefundInput(capture.captureId!!, Money(100, "EUR")))
        blocking.capture(SaferpayCaptureInput(refund.transaction.id))
        assertEquals(refund.transaction.id, blocking.assertRefund(SaferpayAssertRefundInput(refund.transaction.id)).transactionId)
        assertEquals("CAPTURED", blocking.inquire(SaferpayInquireInput(tx)).transaction.status)

        val second = blocking.initializePaymentPage(SaferpayInitializePaymentPageInput(Money(300, "EUR"), unique(), "to cancel", "https://shop.example/r"))
        sandbox.payPaymentPage(second.token)
        val tx2 = blocking.assertPaymentPage(SaferpayAssertPaymentPageInput(second.token)).transaction.id
        assertEquals(tx2, blocking.cancel(SaferpayCancelInput(tx2)).transactionId)
        assertThrows<PaywireException.Conflict> { blocking.capture(SaferpayCaptureInput(tx2)) }

        val link = blocking.createPaymentLink(Money(1250, "CHF"), unique(), "link", expiresAt = null)
        assertEquals(PaymentLinkStatus.OPEN, link.status)
        assertEquals("saferpay", link.provider)
        assertEquals(link.id, blocking.getPaymentLink(link.id).id)
        assertEquals(PaymentLinkStatus.CANCELED, blocking.cancelPaymentLink(link.id).status)
    }

    @Test
    fun `saferpay declined payment page`() = runBlocking {
        val session = saferpay.initializePaymentPage(SaferpayInitializePaymentPageInput(Money(300, "CHF"), unique(), "declined", "https://shop.example/r"))
        sandbox.payPaymentPage(session.token, outcome = "decline")
        val e = assertThrows<PaywireException.Declined> { saferpay.assertPaymentPage(SaferpayAssertPaymentPageInput(session.token)) }
        assertEquals("saferpay", e.provider)
        assertNotNull(e.code)
    }

    @Test
    fun `secuconnect smart transaction lifecycle`() = runBlocking {
        val created = secuconnect.createSmartTransaction(SecuconnectCreateSmartTransactionInput(
            amount = Money(2000, "EUR"),
            intent = "sale",
            customer = SecuconnectCustomer(
                contact = SecuconnectContact(forename = "Ada", surname = "Lovelace", email = "ada@example.com",
                    address = SecuconnectAddress(street = "Main", streetNumber = "1", postalCode = "10115", city = "Berlin", country = "DE")),
            ),
            basket = listOf(BasketItem(itemType = "article", desc = "Book", quantity = 1, priceOne = 2000, sum = 2000, tax = "19")),
            returnUrls = ReturnUrls(urlSuccess = "https://shop.example/ok", urlFailure = "https://shop.example/fail"),
            merchantRef = unique(),
            transactionRef = "Order 1",
            isDemo = true,
        ))
        assertEquals("created", created.status)
        assertEquals(Money(2000, "EUR"), created.amount)
        assertEquals("Ada", created.customer?.contact?.forename)
        assertEquals(1, created.basket.size)
        val updated = secuconnect.updateSmartTransaction(SecuconnectUpdateSmartTransactionInput(created.id, transactionRef = "Order 1b"))
        assertEquals("Order 1b", updated.transactionRef)
        val prepared = secuconnect.prepareSmartTransaction(SecuconnectPrepareSmartTransactionInput(
            created.id, "debit",
            bankAccount = DirectDebitAccount(owner = "Ada Lovelace", iban = "DE02120300000000202051"),
        ))
        assertEquals("approved", prepared.status)
        val started = secuconnect.startSmartTransaction(SecuconnectStartSmartTransactionInput(created.id))
        assertTrue(started.status in setOf("ok", "received"), started.status)
        val paymentId = started.transactions.first().id!!
        val payment = secuconnect.getPaymentTransaction(SecuconnectGetPaymentTransactionInput(paymentId))
        assertEquals(paymentId, payment.id)
        assertNotNull(secuconnect.checkPaymentStatus(SecuconnectCheckPaymentStatusInput(paymentId)).status)
        val cancelled = secuconnect.cancelPaymentTransaction(SecuconnectCancelPaymentTransactionInput(paymentId, reason = "customer asked"))
        assertTrue(cancelled.isNotEmpty())
        assertEquals(1L, effects().getLong("payment_transaction_cancels"))

        val prepaid = secuconnect.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(500, "EUR"), merchantRef = unique()))
        val pending = secuconnect.startSmartTransaction(SecuconnectStartSmartTransactionInput(prepaid.id, paymentMethod = "prepaid"))
        assertEquals("pending", pending.status)

        val other = secuconnect.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(500, "EUR"), merchantRef = unique()))
        secuconnect.abortSmartTransaction(SecuconnectAbortSmartTransactionInput(other.id))
        val third = secuconnect.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(500, "EUR"), merchantRef = unique()))
        runCatching { secuconnect.cancelSmartTransaction(SecuconnectCancelSmartTransactionInput(third.id)) }.onFailure {
            assertTrue(it is PaywireException, it.toString())
        }
        assertEquals("intent", assertThrows<PaywireException.Validation> {
            secuconnect.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(1, "EUR"), intent = "gift"))
        }.field)
    }

    @Test
    fun `secuconnect listing, pushes, tokens and the device flow`() = runBlocking {
        repeat(3) { secuconnect.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(100L + it, "EUR"), merchantRef = unique())) }
        val pager = secuconnect.smartTransactions(SecuconnectSmartTransactionsInput(pageSize = 2))
        val page = pager.nextPage()!!
        assertEquals(2, page.items.size)
        val rest = pager.asFlow(2).toList()
        assertEquals(pager.total(), (page.items.size + rest.size).toLong())
        assertTrue(pager.isDone())
        assertEquals("page_size", assertThrows<PaywireException.Validation> { secuconnect.smartTransactions(SecuconnectSmartTransactionsInput(pageSize = 0)) }.field)

        val push = parsePush(
            """{"object":"event.pushes","id":"evt_1","created":"2021-06-21T08:30:28+02:00","target":"payment.transactions","type":"changed","data":[{"object":"payment.transactions","id":"PCI_2FY48DT0P2X6G636N5QK64UK2ADZAZ"}]}""",
        )
        assertEquals("payment.transactions", push.target)
        assertEquals("changed", push.type)
        assertEquals(listOf("PCI_2FY48DT0P2X6G636N5QK64UK2ADZAZ"), push.objectIds)
        assertEquals(push, secuconnect.parsePush(push.raw))
        assertThrows<PaywireException> { parsePush("not json") }

        val info = secuconnect.tokenInfo()!!
        assertTrue(info.expiresIn > 0)
        assertFalse(secuconnect.toString().contains("sandbox-client-secret"), secuconnect.toString())

        val device = sandbox.secuconnectClient()
        val authorization = device.deviceAuthorize("/vendor/kotlin/uuid/1234")
        assertTrue(authorization.userCode().isNotEmpty())
        assertTrue(authorization.verificationUrl().startsWith("http"))
        assertTrue(authorization.interval() >= 0 && authorization.expiresIn() > 0)
        assertNull(device.devicePollOnce(authorization))
        sandbox.approveDevice(authorization.userCode())
        val token = device.devicePoll(authorization)
        assertTrue(token.hasRefreshToken)
        assertEquals("created", device.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(100, "EUR"), merchantRef = unique())).status)
    }

    @Test
    fun `secuconnect blocking client`() {
        val blocking = secuconnect.blocking()
        val stx = blocking.createSmartTransaction(SecuconnectCreateSmartTransactionInput(
            Money(900, "EUR"), merchantRef = unique(),
            basket = listOf(BasketItem(itemType = "article", desc = "Mug", quantity = 1, priceOne = 900, sum = 900)),
        ))
        assertEquals(stx.id, blocking.getSmartTransaction(SecuconnectGetSmartTransactionInput(stx.id)).id)
        assertEquals("x-1", blocking.updateSmartTransaction(SecuconnectUpdateSmartTransactionInput(stx.id, transactionRef = "x-1")).transactionRef)
        blocking.prepareSmartTransaction(SecuconnectPrepareSmartTransactionInput(stx.id, "debit", bankAccount = DirectDebitAccount("Ada", "DE02120300000000202051")))
        val started = blocking.startSmartTransaction(SecuconnectStartSmartTransactionInput(stx.id))
        val paymentId = started.transactions.first().id!!
        assertEquals(paymentId, blocking.getPaymentTransaction(SecuconnectGetPaymentTransactionInput(paymentId)).id)
        assertNotNull(blocking.checkPaymentStatus(SecuconnectCheckPaymentStatusInput(paymentId)))
        blocking.cancelPaymentTransaction(SecuconnectCancelPaymentTransactionInput(paymentId, reduceAmountBy = Money(100, "EUR")))
        val other = blocking.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(100, "EUR"), merchantRef = unique()))
        blocking.abortSmartTransaction(SecuconnectAbortSmartTransactionInput(other.id))
        runCatching { blocking.cancelSmartTransaction(SecuconnectCancelSmartTransactionInput(blocking.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(100, "EUR"))).id)) }
        assertTrue(blocking.smartTransactions(SecuconnectSmartTransactionsInput(pageSize = 50)).asSequence().count() >= 3)
        val link = blocking.createPaymentLink(Money(990, "EUR"), unique(), "blocking link")
        assertEquals("secuconnect", link.provider)
        assertEquals(link.id, blocking.getPaymentLink(link.id).id)
        assertEquals(PaymentLinkStatus.CANCELED, blocking.cancelPaymentLink(link.id).status)
        val auth = blocking.deviceAuthorize("/vendor/kotlin/uuid/blocking")
        sandbox.approveDevice(auth.userCode())
        assertTrue(blocking.devicePoll(auth).tokenType.isNotEmpty())
        assertEquals(blocking.asyncClient().clientId(), secuconnect.clientId())
        assertEquals("GCR_SANDBOX0000000000000000000001", secuconnect.contractId())
        assertTrue(secuconnect.baseUrl().startsWith(sandbox.url()))
        assertTrue(secuconnect.withOptions(timeout = 20.0, maxRetries = 1).tokenInfo() != null)
    }

    @Test
    fun `sekurepay orders`() = runBlocking {
        val id = unique()
        val order = sekurepay.createOrder(SekurePayCreateOrderInput(
            orderId = id, currency = "USD",
            items = listOf(SekurePayOrderItem("Widget", 5000, quantity = 2)),
            taxes = listOf(SekurePayTax("Tax", 500)),
            shippingAmountCents = 200,
        ))
        assertEquals(Money(10700, "USD"), order.total)
        assertEquals(Money(10000, "USD"), order.subTotal)
        assertEquals(id, sekurepay.getOrder(SekurePayGetOrderInput(id)).id)
        assertThrows<PaywireException.Conflict> { sekurepay.createOrder(SekurePayCreateOrderInput(id, "USD", listOf(SekurePayOrderItem("Again", 100)))) }
        assertEquals(Money(10700, "USD"), sekurepay.findOrCreateOrder(SekurePayFindOrCreateOrderInput(id, "USD", listOf(SekurePayOrderItem("Widget", 5000, 2)), listOf(SekurePayTax("Tax", 500)), 200)).total)
        assertEquals("items[0].amount_cents", assertThrows<PaywireException.Validation> {
            sekurepay.createOrder(SekurePayCreateOrderInput(unique(), "USD", listOf(SekurePayOrderItem("Negative", -1))))
        }.field)
        assertEquals("currency", assertThrows<PaywireException.Validation> {
            sekurepay.createOrder(SekurePayCreateOrderInput(unique(), "XXQ", listOf(SekurePayOrderItem("A", 1))))
        }.field)
        assertThrows<PaywireException.NotFound> { sekurepay.getOrder(SekurePayGetOrderInput("does-not-exist")) }
        assertEquals(1, basketFromJson(JSONObject().put("items", listOf(mapOf("desc" to "Mug"))).getJSONArray("items").toString(), "basket").size)
        assertEquals("https://a.example/ok", returnUrlsFromJson("""{"url_success": "https://a.example/ok"}""", "return_urls").urlSuccess)
        assertEquals("Ada", customerFromJson("""{"contact": {"forename": "Ada"}}""", "customer").contact?.forename)
        assertEquals(listOf(SekurePayOrderItem("W", 5, 1)), sekurepayItemsFromJson("""[{"description": "W", "amount_cents": 5}]""", "items"))
        assertEquals(listOf(SekurePayTax("T", 1)), sekurepayTaxesFromJson("""[{"description": "T", "amount_cents": 1}]""", "taxes"))
        assertFalse(sekurepay.toString().contains("sandbox-sekurepay-key"), sekurepay.toString())
        assertEquals(sandbox.sekurepayBaseUrl(), sekurepay.baseUrl())

        val blocking = sekurepay.withOptions(maxRetries = 1).blocking()
        val other = unique()
        assertEquals(Money(300, "USD"), blocking.createOrder(SekurePayCreateOrderInput(other, "USD", listOf(SekurePayOrderItem("B", 300)))).total)
        assertEquals(other, blocking.getOrder(SekurePayGetOrderInput(other)).id)
        assertEquals(other, blocking.findOrCreateOrder(SekurePayFindOrCreateOrderInput(other, "USD", listOf(SekurePayOrderItem("B", 300)))).id)
        assertEquals(blocking.asyncClient().baseUrl(), sekurepay.baseUrl())
    }

    @Test
    fun `constructors and environment`() {
        assertEquals("configuration", assertThrows<PaywireException> { SecuconnectClient.fromEnv() }.info().kind)
        assertEquals("configuration", assertThrows<PaywireException> { BlockingSecuconnectClient.fromEnv() }.info().kind)
        assertEquals("configuration", assertThrows<PaywireException> { SekurePayClient.fromEnv() }.info().kind)
        assertEquals("configuration", assertThrows<PaywireException> { BlockingSekurePayClient.fromEnv() }.info().kind)
        val secu = SecuconnectClient("id", "secret-value-123", environment = "testing", contractId = "GCR_X", maxRetries = 0)
        assertFalse(secu.toString().contains("secret-value-123"))
        assertEquals("environment", assertThrows<PaywireException.Validation> { SecuconnectClient("id", "s", environment = "prod-ish") }.field)
        val blockingSecu = BlockingSecuconnectClient("id", "s", baseUrl = sandbox.secuconnectBaseUrl())
        assertEquals(sandbox.secuconnectBaseUrl().trimEnd('/'), blockingSecu.asyncClient().baseUrl().trimEnd('/'))
        val sp = SekurePayClient("key-abc-987", baseUrl = sandbox.sekurepayBaseUrl(), timeout = 5.0)
        assertFalse(sp.toString().contains("key-abc-987"))
        BlockingSekurePayClient("key", baseUrl = sandbox.sekurepayBaseUrl())
        assertThrows<PaywireException.Configuration> { SekurePayClient("key", baseUrl = "http://example.com/") }
        // The connection options of the other clients, checked by core before anything is sent.
        SekurePayClient("key", baseUrl = sandbox.sekurepayBaseUrl(), proxy = "none")
        assertEquals("proxy", assertThrows<PaywireException.Validation> { SekurePayClient("key", baseUrl = sandbox.sekurepayBaseUrl(), proxy = "ftp://p:1") }.field)
        assertEquals(
            "ca_certificates",
            assertThrows<PaywireException.Validation> { BlockingSekurePayClient("key", baseUrl = sandbox.sekurepayBaseUrl(), caCertificates = "not a certificate") }.field,
        )
    }
}
