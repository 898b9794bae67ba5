package com.paywire

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * A cancelled coroutine frees the UniFFI future, which drops paywire's future, which aborts the
 * task on the shared runtime and with it the HTTP request: the sandbox sees the request in flight,
 * then sees the client go away long before its `delay` fault would have answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationTest {
    private val sandbox = Sandbox.start()
    private val client = sandbox.saferpayClient(maxRetries = 0)

    @AfterAll
    fun stop() = sandbox.close()

    @BeforeEach
    fun reset() = sandbox.reset()

    private fun route(name: String): JSONObject =
        JSONObject(sandbox.stats()).getJSONObject("routes").getJSONObject(name)

    private suspend fun waitFor(what: String, check: () -> Boolean) {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (!check()) {
            if (System.nanoTime() > deadline) throw AssertionError("timed out waiting for $what: ${sandbox.stats()}")
            delay(20)
        }
    }

    @Test
    fun `cancelling a coroutine abandons the in-flight request`() = runBlocking {
        sandbox.injectFault("saferpay.license", "delay", count = 1, delayMs = 8_000)
        val started = System.nanoTime()
        val call = async(Dispatchers.Default) { client.license() }
        waitFor("the request to be in flight") { route("saferpay.license").getLong("in_flight") == 1L }
        call.cancel()
        assertThrows<CancellationException> { runBlocking { call.await() } }
        // The sandbox sees the connection go away: nothing waits for the 8 s delay.
        waitFor("the request to be abandoned") { route("saferpay.license").getLong("in_flight") == 0L }
        val elapsedMs = (System.nanoTime() - started) / 1_000_000
        assertTrue(elapsedMs < 6_000, "cancellation took $elapsedMs ms")
        assertEquals(1L, route("saferpay.license").getLong("requests"))
        assertEquals(0L, route("saferpay.license").getLong("status_2xx"))
        // The client (and the shared runtime) keep working.
        assertLicensed(client.license())
    }

    @Test
    fun `withTimeout cancels too`() = runBlocking {
        sandbox.injectFault("saferpay.terminals", "delay", count = 1, delayMs = 8_000)
        assertThrows<TimeoutCancellationException> {
            runBlocking { withTimeout(300) { client.terminals() } }
        }
        waitFor("the request to be abandoned") { route("saferpay.terminals").getLong("in_flight") == 0L }
        assertEquals(1L, route("saferpay.terminals").getLong("max_in_flight"))
        assertTrue(client.terminals().isNotEmpty())
    }

    @Test
    fun `a cancelled create never reaches the effect`() = runBlocking {
        sandbox.injectFault("saferpay.offers.create", "delay", count = 1, delayMs = 3_000)
        val expires = java.time.OffsetDateTime.now().plusHours(2).withNano(0).toString()
        val call = async(Dispatchers.Default) { client.createOffer(SaferpayCreateOfferInput(Money(100, "CHF"), "cancel-1", "cancelled", expires)) }
        waitFor("the create to be in flight") { route("saferpay.offers.create").getLong("in_flight") == 1L }
        call.cancel()
        waitFor("the create to be abandoned") { route("saferpay.offers.create").getLong("in_flight") == 0L }
        delay(3_500) // past the fault's delay: an orphaned handler would have created the offer by now
        assertEquals(0L, JSONObject(sandbox.stats()).getJSONObject("effects").getLong("offers_created"))
    }
}
