package com.paywire

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
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.temporal.ChronoUnit

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private val sandbox = Sandbox.start()
    private val client = sandbox.saferpayClient()
    // Java prints no seconds when they are zero ("…T12:00Z"); the binding accepts that form too.
    private val inTwoHours get() = OffsetDateTime.now().plusHours(2).withSecond(0).withNano(0).toString()

    @AfterAll
    fun stop() = sandbox.close()

    @BeforeEach
    fun reset() = sandbox.reset()

    private fun stat(route: String, key: String): Long =
        JSONObject(sandbox.stats()).getJSONObject("routes").getJSONObject(route).getLong(key)

    @Test
    fun `validation errors name the field and send nothing`() = runBlocking {
        val e = assertThrows<PaywireException.Validation> {
            client.createOffer(SaferpayCreateOfferInput(Money(404, "CHF"), "order-1", "x".repeat(101), inTwoHours))
        }
        assertEquals("validation", e.kind)
        assertEquals("description", e.field)
        assertEquals(e.field, e.info().field)
        assertTrue(e.toString().contains("description"), e.toString())
        assertTrue(e.message!!.contains("description"), e.message)
        assertEquals(Retryable.NO, e.retryable)
        assertFalse(e.outcomeUnknown)
        assertEquals(0L, stat("saferpay.offers.create", "requests"))
    }

    @Test
    fun `exactly once without replay, and outcome unknown names its settling call`() = runBlocking {
        Sandbox.startWith(requestIdReplay = false).use { noReplay ->
            assertFalse(noReplay.requestIdReplay())
            noReplay.setRequestIdReplay(true)
            assertTrue(noReplay.requestIdReplay())
            noReplay.setRequestIdReplay(false)
            assertTrue(sandbox.requestIdReplay(), "the default")
            val c = noReplay.saferpayClient()
            // A refund whose answer was lost is found by its own order id: one refund.
            val session = c.initializePaymentPage(SaferpayInitializePaymentPageInput(
                amount = Money(1000, "CHF"), orderId = "kt-refund-once", description = "once",
                returnUrl = "https://shop.example/return",
            ))
            noReplay.payPaymentPage(session.token)
            val tx = c.assertPaymentPage(SaferpayAssertPaymentPageInput(session.token)).transaction.id
            val captureId = c.capture(SaferpayCaptureInput(tx)).captureId!!
            noReplay.injectFault("saferpay.transaction.refund", "drop_after_commit")
            val refund = c.refund(SaferpayRefundInput(captureId, Money(100, "CHF")))
            val orderId = refund.transaction.orderId!!
            assertTrue(orderId.startsWith("pw-rf-"), orderId)
            val stats = JSONObject(noReplay.stats())
            assertEquals(1L, stats.getJSONObject("effects").getLong("refunds"))
            assertEquals(0L, stats.getJSONObject("executed_duplicates").getLong("refunds"))
            assertEquals(refund.transaction.id, c.inquireByOrderId(SaferpayInquireByOrderIdInput(orderId)).transaction.id)
            // An offer create that may have arrived is never sent again.
            noReplay.injectFault("saferpay.offers.create", "drop_after_commit")
            val e = assertThrows<PaywireException.OutcomeUnknown> {
                c.createOffer(SaferpayCreateOfferInput(Money(404, "CHF"), "kt-offer-once", "once", inTwoHours))
            }
            assertEquals("outcome_unknown", e.kind)
            assertTrue(e.outcomeUnknown)
            assertTrue(e.settleWith!!.contains("kt-offer-once"), e.settleWith)
            assertEquals(e.settleWith, e.info().settleWith)
            val after = JSONObject(noReplay.stats())
            assertEquals(1L, after.getJSONObject("effects").getLong("offers_created"))
            assertEquals(
                1L,
                after.getJSONObject("routes").getJSONObject("saferpay.offers.create").getLong("requests"),
            )
        }
    }

    @Test
    fun `timestamps in every spelling Java prints, always with an offset`() = runBlocking {
        val at = OffsetDateTime.now().plusHours(3).truncatedTo(ChronoUnit.MINUTES)
        for (text in listOf(
            at.withOffsetSameInstant(ZoneOffset.ofHours(1)).toString(), // …T13:05+01:00
            at.withOffsetSameInstant(ZoneOffset.UTC).toString(), // …T12:05Z
            at.withOffsetSameInstant(ZoneOffset.UTC).plusSeconds(7).plusNanos(500_000_000).toString(), // …T12:05:07.500Z
        )) {
            val offer = client.createOffer(SaferpayCreateOfferInput(Money(404, "CHF"), "order-" + text.filter(Char::isDigit), "ok", text))
            assertEquals("OPEN", offer.status, text)
        }
        for (text in listOf(at.toLocalDateTime().toString(), at.toLocalDate().toString(), "")) {
            val e = assertThrows<PaywireException.Validation> { client.createOffer(SaferpayCreateOfferInput(Money(404, "CHF"), "order-1", "ok", text)) }
            assertEquals("expires_at", e.field, text)
        }
        assertEquals(3L, stat("saferpay.offers.create", "requests"))
    }

    @Test
    fun `binding-side conversions fail as validation errors too`() = runBlocking {
        val bad = assertThrows<PaywireException.Validation> {
            client.createOffer(SaferpayCreateOfferInput(Money(404, "CHF"), "order-1", "ok", "tomorrow at noon"))
        }
        assertEquals("expires_at", bad.field)
        val negative = assertThrows<PaywireException.Validation> {
            client.createOffer(SaferpayCreateOfferInput(Money(404, "CHF"), "order-1", "ok", inTwoHours, maxPaymentAttempts = -1))
        }
        assertEquals("max_payment_attempts", negative.field)
        val currency = assertThrows<PaywireException.Validation> {
            client.createOffer(SaferpayCreateOfferInput(Money(404, "XYZ"), "order-1", "ok", inTwoHours))
        }
        assertEquals("currency", currency.field)
        val unitPrice = assertThrows<PaywireException.Validation> {
            client.createOffer(SaferpayCreateOfferInput(
                Money(404, "CHF"), "order-1", "ok", inTwoHours,
                order = Order(items = listOf(OrderItem(name = "A", unitPrice = Money(-1, "CHF")))),
            ))
        }
        assertEquals("order.items[0].unit_price", unitPrice.field)
        val unitCurrency = assertThrows<PaywireException.Validation> {
            client.createOffer(SaferpayCreateOfferInput(
                Money(404, "CHF"), "order-1", "ok", inTwoHours,
                order = Order(items = listOf(OrderItem(name = "A", unitPrice = Money(1, "XYZ")))),
            ))
        }
        assertEquals("order.items[0].unit_price", unitCurrency.field)
        val email = assertThrows<PaywireException.Validation> {
            client.createOffer(SaferpayCreateOfferInput(
                Money(404, "CHF"), "order-1", "ok", inTwoHours,
                payer = Payer(billingAddress = Address(email = "not an email")),
            ))
        }
        assertEquals("payer.billing_address.email", email.field)
        Unit
    }

    @Test
    fun `unknown offer is not_found with the provider's code`() = runBlocking {
        val e = assertThrows<PaywireException.NotFound> { client.getOffer(SaferpayGetOfferInput("does-not-exist")) }
        val info = e.info()
        assertEquals("not_found", info.kind)
        assertEquals("saferpay", info.provider)
        assertNotNull(info.httpStatus)
        assertNotNull(info.code)
        assertTrue(info.display.startsWith("saferpay not_found error"), info.display)
        assertEquals(info.display, e.toString())
    }

    @Test
    fun `wrong password is an authentication error and never printed`() = runBlocking {
        val wrong = SaferpayClient(
            customerId = "123456", username = "API_123456_17757531", password = "hunter2-wrong",
            terminalId = "17757531", baseUrl = sandbox.saferpayBaseUrl(), maxRetries = 0,
        )
        val e = assertThrows<PaywireException.Authentication> { wrong.license() }
        assertEquals(401, e.httpStatus)
        assertFalse(e.toString().contains("hunter2"))
        assertFalse(e.message!!.contains("hunter2"))
        assertFalse(wrong.toString().contains("hunter2"), wrong.toString())
        assertTrue(wrong.toString().contains("123456"), wrong.toString())
    }

    @Test
    fun `server errors are retried, then surface with their kind`() = runBlocking {
        sandbox.injectFault("saferpay.license", "error_500", count = 1)
        assertTrue(client.license().packageId.isNotEmpty())
        assertEquals(2L, stat("saferpay.license", "requests"))

        sandbox.injectFault("saferpay.license", "error_500", count = 5)
        val noRetry = client.withOptions(maxRetries = 0)
        val e = assertThrows<PaywireException> { noRetry.license() }
        assertEquals(500, e.info().httpStatus)
        assertEquals(Retryable.YES, e.info().retryable)

        sandbox.clearFaults()
        sandbox.injectFault("saferpay.license", "non_json", count = 5)
        val decode = assertThrows<PaywireException> { noRetry.license() }
        assertTrue(decode.info().kind in setOf("decode", "api"), decode.toString())
    }

    @Test
    fun `a closed port is a transport error`() = runBlocking {
        val port = java.net.ServerSocket(0).use { it.localPort }
        val offline = SaferpayClient(
            customerId = "123456", username = "user", password = "pw", terminalId = "17757531",
            baseUrl = "http://127.0.0.1:$port/api", maxRetries = 0, timeout = 5.0,
        )
        val e = assertThrows<PaywireException.Transport> { offline.license() }
        assertEquals("transport", e.kind)
        assertNull(e.httpStatus)
    }

    @Test
    fun `configuration errors`() {
        val http = assertThrows<PaywireException.Configuration> {
            SaferpayClient("123456", "user", "pw", baseUrl = "http://example.com/api")
        }
        assertTrue(http.toString().contains("https"), http.toString())
        val env = assertThrows<PaywireException> { SaferpayClient.fromEnv() }
        assertEquals("configuration", env.info().kind)
        assertThrows<PaywireException> { BlockingSaferpayClient.fromEnv() }
        val badEnv = assertThrows<PaywireException.Validation> {
            SaferpayClient("123456", "user", "pw", environment = "staging")
        }
        assertEquals("environment", badEnv.field)
        val timeout = assertThrows<PaywireException.Validation> {
            SaferpayClient("123456", "user", "pw", timeout = -1.0)
        }
        assertEquals("timeout", timeout.field)
    }

    @Test
    fun `sandbox errors use the same exception`() {
        assertThrows<PaywireException.NotFound> { sandbox.payOffer("nope") }
        assertThrows<PaywireException.NotFound> { sandbox.payPaymentPage("nope") }
        assertThrows<PaywireException.NotFound> { sandbox.completeSmartTransaction("nope", "success") }
        val mode = assertThrows<PaywireException.Validation> { sandbox.injectFault("saferpay.license", "explode") }
        assertEquals("mode", mode.field)
        val route = assertThrows<PaywireException.Validation> { sandbox.injectFault("nope.nothing", "delay") }
        assertEquals("route", route.field)
    }
}
