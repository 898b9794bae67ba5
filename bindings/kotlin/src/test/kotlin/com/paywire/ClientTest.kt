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
import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.ZoneOffset

/** Every Saferpay method of API.md (async and blocking), Money, and the Sandbox members. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private val sandbox = Sandbox.start()
    private val client = sandbox.saferpayClient()
    private val inTwoHours get() = OffsetDateTime.now().plusHours(2).withNano(0).toString()
    private fun daysAgo(n: Long) = LocalDate.now(ZoneOffset.UTC).minusDays(n).toString()
    private fun unique() = "kt-" + java.util.UUID.randomUUID().toString().take(8)

    @AfterAll
    fun stop() = sandbox.close()

    @BeforeEach
    fun reset() = sandbox.reset()

    private fun effects(): JSONObject = JSONObject(sandbox.stats()).getJSONObject("effects")

    @Test
    fun money() {
        assertEquals(Money(404, "CHF"), moneyParse("4.04", "CHF"))
        assertEquals(Money(1500, "JPY"), moneyParse("1500", "jpy"))
        assertEquals(Money(1500, "KWD"), moneyParse("1.5", "KWD"))
        assertEquals("4.04 CHF", moneyFormat(Money(404, "CHF")))
        assertEquals("4.04 CHF", Money(404, "CHF").format())
        assertEquals(Money(5, "EUR"), moneyValidate(Money(5, "eur")))
        assertEquals("amount", assertThrows<PaywireException.Validation> { moneyParse("4.045", "CHF") }.field)
        assertEquals("currency", assertThrows<PaywireException.Validation> { moneyParse("1", "ABC") }.field)
        assertThrows<PaywireException.Validation> { moneyParse("-1", "CHF") }
        assertThrows<PaywireException.Validation> { moneyParse("99999999999999999999", "CHF") }
        assertThrows<PaywireException.Validation> { moneyValidate(Money(-1, "CHF")) }
    }

    @Test
    fun `offer lifecycle with every option`() = runBlocking {
        val configs = client.paymentPageConfigurations()
        assertTrue(configs.isNotEmpty())
        val offer = client.createOffer(SaferpayCreateOfferInput(
            amount = Money(2590, "CHF"),
            orderId = unique(),
            description = "Everything",
            expiresAt = inTwoHours,
            payer = Payer(
                languageCode = "de",
                ipAddress = "192.0.2.1",
                billingAddress = Address(firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", countryCode = "CH"),
            ),
            preAuth = true,
            configSet = configs.first().name,
            maxPaymentAttempts = 3,
            registerAlias = true,
            billingAddressForm = BillingAddressForm(addressSource = "SAFERPAY", mandatoryFields = listOf("CITY", "ZIP")),
            order = Order(items = listOf(OrderItem(itemType = "PHYSICAL", name = "Book", quantity = 1, unitPrice = Money(2590, "CHF")))),
            condition = "NONE",
            terminalId = "17757531",
        ))
        assertEquals("OPEN", offer.status)
        assertEquals(Money(2590, "CHF"), offer.amount)
        assertTrue(offer.paymentLink.startsWith("http://127.0.0.1"), offer.paymentLink)
        assertEquals("17757531", offer.terminalId)
        assertTrue(JSONObject(offer.raw).has("OfferId"))

        sandbox.payOffer(offer.offerId)
        val paid = client.getOffer(SaferpayGetOfferInput(offer.offerId, terminalId = "17757531"))
        assertEquals("PAID", paid.status)
        assertNotNull(paid.transactionId)

        val other = client.createOffer(SaferpayCreateOfferInput(Money(100, "EUR"), unique(), "to delete", inTwoHours))
        client.deleteOffer(SaferpayDeleteOfferInput(other.offerId))
        assertEquals("DISABLED", client.getOffer(SaferpayGetOfferInput(other.offerId)).status)
        assertEquals(2L, effects().getLong("offers_created"))
        assertEquals(1L, effects().getLong("offers_deleted"))
    }

    @Test
    fun `account queries and fields tokens`() = runBlocking {
        val license = client.license()
        assertLicensed(license)
        assertTrue(license.packageName.isNotEmpty())
        val terminals = client.terminals()
        assertTrue(terminals.any { it.terminalId == "17757531" })
        val terminal = client.terminal(SaferpayTerminalInput("17757531"))
        assertEquals("17757531", terminal.terminalId)
        assertTrue(terminal.type in setOf("ECOM", "SPG", "MPO"), terminal.type)
        assertTrue(terminal.paymentMethods.isNotEmpty())
        val token = client.createFieldsAccessToken(SaferpayCreateFieldsAccessTokenInput("shop", listOf("https://shop.example/checkout")))
        assertTrue(token.isNotEmpty())
        client.deleteFieldsAccessToken(SaferpayDeleteFieldsAccessTokenInput(token))
        assertEquals(1L, effects().getLong("fields_tokens_deleted"))
    }

    @Test
    fun `reporting pages serially`() = runBlocking {
        val pager = client.transactions(SaferpayTransactionsInput(start = daysAgo(2), end = daysAgo(1), pageSize = 400))
        assertNull(pager.totalTransactions())
        assertEquals(1, pager.nextPageNumber())
        val page = pager.nextPage()!!
        assertEquals(1, page.pageNumber)
        assertEquals(400, page.transactions.size)
        val total = pager.totalTransactions()!!
        assertTrue(total > 400, "total $total")
        val batch = pager.nextBatch(150)
        assertEquals(150, batch.size)
        val rest = pager.asFlow(1000).toList()
        assertEquals(total, (400 + 150 + rest.size).toLong())
        assertTrue(pager.isDone())
        assertTrue(pager.nextBatch(10).isEmpty())
        val all = page.transactions + batch + rest
        assertEquals(all.size, all.map { it.id }.toSet().size)
        assertTrue(all.all { it.amount != null && it.status.isNotEmpty() })

        // Resume an interrupted export at page 3.
        val resumed = client.transactions(SaferpayTransactionsInput(start = daysAgo(2), end = daysAgo(1), pageSize = 400))
        resumed.resumeAt(3)
        assertEquals(3, resumed.nextPage()!!.pageNumber)

        assertEquals("page_size", assertThrows<PaywireException.Validation> {
            client.transactions(SaferpayTransactionsInput(daysAgo(2), daysAgo(1), pageSize = 0))
        }.field)
        assertEquals("state", assertThrows<PaywireException.Validation> {
            client.transactions(SaferpayTransactionsInput(daysAgo(2), daysAgo(1), state = "MAYBE"))
        }.field)
        assertEquals("start", assertThrows<PaywireException.Validation> {
            client.transactions(SaferpayTransactionsInput("last week", daysAgo(1)))
        }.field)
    }

    @Test
    fun `client options and accessors`() = runBlocking {
        assertEquals("123456", client.customerId())
        assertEquals("17757531", client.terminalId())
        assertEquals(sandbox.saferpayBaseUrl(), client.baseUrl())
        assertTrue(client.specVersion().matches(Regex("""\d+\.\d+""")))
        val pinned = client.withOptions(timeout = 30.0, maxRetries = 1, requestId = "kt-request-1")
        assertLicensed(pinned.license())
        val explicit = SaferpayClient(
            customerId = "123456", username = "API_123456_17757531", password = "sandbox-saferpay-password-3141",
            terminalId = "17757531", environment = "test", specVersion = "1.48", baseUrl = sandbox.saferpayBaseUrl(),
            timeout = 10.0, maxRetries = 1,
        )
        assertEquals("1.48", explicit.specVersion())
        assertLicensed(explicit.license())
        assertFalse(explicit.toString().contains("sandbox-saferpay-password"), explicit.toString())
    }

    @Test
    fun `blocking client for Java callers`() {
        val blocking = client.blocking()
        assertLicensed(blocking.license())
        assertTrue(blocking.terminals().isNotEmpty())
        assertEquals("17757531", blocking.terminal(SaferpayTerminalInput("17757531")).terminalId)
        assertTrue(blocking.paymentPageConfigurations().isNotEmpty())
        val offer = blocking.createOffer(SaferpayCreateOfferInput(Money(404, "CHF"), unique(), "blocking", inTwoHours))
        assertEquals("OPEN", blocking.getOffer(SaferpayGetOfferInput(offer.offerId)).status)
        blocking.deleteOffer(SaferpayDeleteOfferInput(offer.offerId))
        val token = blocking.createFieldsAccessToken(SaferpayCreateFieldsAccessTokenInput("shop", listOf("https://shop.example/")))
        blocking.deleteFieldsAccessToken(SaferpayDeleteFieldsAccessTokenInput(token))
        val pager = blocking.transactions(SaferpayTransactionsInput(daysAgo(2), daysAgo(1), pageSize = 2000))
        val first = pager.nextBatchBlocking(10)
        assertEquals(10, first.size)
        val count = first.size + pager.asSequence().count()
        assertEquals(pager.totalTransactions(), count.toLong())
        assertLicensed(blocking.asyncClient().blocking().license())
        assertFalse(blocking.toString().contains("sandbox-saferpay-password"))

        val direct = BlockingSaferpayClient(
            customerId = "123456", username = "API_123456_17757531", password = "sandbox-saferpay-password-3141",
            terminalId = "17757531", baseUrl = sandbox.saferpayBaseUrl(),
        )
        assertLicensed(direct.license())
        assertEquals("terminal_id", assertThrows<PaywireException.Validation> { direct.terminal(SaferpayTerminalInput("abc")) }.field)
    }

    @Test
    fun `sandbox members`() = runBlocking {
        assertTrue(sandbox.url().startsWith("http://127.0.0.1:"))
        assertEquals(sandbox.url() + "/api", sandbox.saferpayBaseUrl())
        assertTrue(sandbox.secuconnectBaseUrl().startsWith(sandbox.url()))
        assertTrue(sandbox.sekurepayBaseUrl().startsWith(sandbox.url()))
        client.license()
        val stats = JSONObject(sandbox.stats())
        assertEquals(1L, stats.getJSONObject("routes").getJSONObject("saferpay.license").getLong("requests"))
        sandbox.reset()
        assertEquals(0L, JSONObject(sandbox.stats()).getJSONObject("routes").getJSONObject("saferpay.license").getLong("requests"))
        sandbox.advanceClock(3600)
        sandbox.expireTokens()
        sandbox.reset() // back to the real clock
        sandbox.injectFault("saferpay.*", "error_503_html", count = 2)
        sandbox.clearFaults()
        assertLicensed(client.withOptions(maxRetries = 0).license())
        JSONObject("{\"n\": ${sandbox.notifications()}}")

        // An offer paid with a declined outcome stays payable; the sandbox reports it.
        val offer = client.createOffer(SaferpayCreateOfferInput(Money(500, "CHF"), unique(), "declined", inTwoHours))
        sandbox.payOffer(offer.offerId, outcome = "decline")
        assertEquals(1L, effects().getLong("offers_declined"))

        // Test-only members: the fixed credentials, the tokens issued since the last reset.
        val credentials = sandbox.credentials()
        assertEquals(client.customerId(), credentials.saferpayCustomerId)
        assertEquals(client.terminalId(), credentials.saferpayTerminalId)
        assertFalse(sandbox.toString().contains(credentials.saferpayPassword), sandbox.toString())
        assertTrue(sandbox.toString().contains(sandbox.url()), sandbox.toString())
        sandbox.reset()
        assertEquals(emptyList<String>(), sandbox.issuedTokens())
        sandbox.secuconnectClient().smartTransactions(SecuconnectSmartTransactionsInput(pageSize = 1)).nextBatch(1)
        assertTrue(sandbox.issuedTokens().isNotEmpty())

        Sandbox.startOnPort(0).use { other ->
            assertTrue(other.url() != sandbox.url())
            assertLicensed(other.saferpayClient().license())
        }
    }
}
