package com.paywire.examples

import com.paywire.Sandbox
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit

/**
 * Runs the example's `main` as a separate JVM, configured by the sandbox's environment
 * variables (as `paywire sandbox` prints them); the sandbox plays the payer, and the checks
 * read what the handlers recorded (`GET /orders/{id}`) and the sandbox's log and counters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopExampleTest {
    private val sandbox = Sandbox.start()
    private val http = HttpClient.newHttpClient()
    private val process: Process
    private val shop: String

    init {
        val c = sandbox.credentials()
        val java = ProcessHandle.current().info().command().orElse("java")
        val builder = ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "com.paywire.examples.ShopKt")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
        builder.environment().apply {
            put("PORT", "0")
            remove("PUBLIC_URL")
            put("SAFERPAY_BASE_URL", sandbox.saferpayBaseUrl())
            put("SAFERPAY_CUSTOMER_ID", c.saferpayCustomerId)
            put("SAFERPAY_TERMINAL_ID", c.saferpayTerminalId)
            put("SAFERPAY_USERNAME", c.saferpayUsername)
            put("SAFERPAY_PASSWORD", c.saferpayPassword)
            put("SECUCONNECT_BASE_URL", sandbox.secuconnectBaseUrl())
            put("SECUCONNECT_CLIENT_ID", c.secuconnectClientId)
            put("SECUCONNECT_CLIENT_SECRET", c.secuconnectClientSecret)
            put("SECUCONNECT_CONTRACT_ID", c.secuconnectContractId)
        }
        process = builder.start()
        val line = process.inputStream.bufferedReader().readLine() ?: error("the shop printed nothing")
        shop = line.removePrefix("listening on ").also { check(it != line) { "the shop printed $line" } }
    }

    @AfterAll
    fun stop() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
        sandbox.close()
    }

    private fun call(method: String, url: String, body: String = ""): HttpResponse<String> =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString(),
        )

    private fun post(path: String): JSONObject {
        val answer = call("POST", shop + path)
        assertEquals(200, answer.statusCode(), answer.body())
        return JSONObject(answer.body())
    }

    private fun waitForOrder(id: String, done: (JSONObject) -> Boolean): JSONObject {
        val deadline = System.nanoTime() + 15_000_000_000
        while (true) {
            val order = JSONObject(call("GET", "$shop/orders/$id").body())
            if (done(order)) return order
            assertTrue(System.nanoTime() < deadline, "order $id did not get there: $order")
            Thread.sleep(50)
        }
    }

    private fun delivered(kind: String) =
        JSONArray(sandbox.notifications()).map { it as JSONObject }.filter { it.getString("kind") == kind }

    private fun captures() = JSONObject(sandbox.stats()).getJSONObject("effects").getLong("captures")

    private fun tokenOf(redirectUrl: String) = redirectUrl.substringAfterLast('/')

    @Test
    fun `saferpay return and notify both reach the shop, one capture, then a decline`() {
        val created = post("/orders?amount=25.00&currency=EUR&description=ticket")
        val paid = JSONObject(sandbox.payPaymentPage(tokenOf(created.getString("redirectUrl")), "success"))
        val page = call("GET", paid.getString("return_url"))
        assertTrue(page.body().contains("is paid"), page.body())
        val order = waitForOrder(created.getString("orderId")) { it.getJSONArray("seen").length() == 2 }
        assertEquals("paid", order.getString("status"), order.toString())
        assertTrue(order.getString("captureId").isNotEmpty())
        assertEquals(listOf("notify", "return"), order.getJSONArray("seen").map { it as String }.sorted())
        assertEquals(1L, captures())
        assertEquals(listOf(200), delivered("saferpay.success_notify").map { it.getInt("status") })

        val declined = post("/orders?amount=9.50&currency=CHF&description=scarf")
        sandbox.payPaymentPage(tokenOf(declined.getString("redirectUrl")), "decline")
        val failed = waitForOrder(declined.getString("orderId")) { it.getString("status") != "open" }
        assertEquals("failed", failed.getString("status"), failed.toString())
        assertEquals(listOf("notify"), failed.getJSONArray("seen").map { it as String })
        assertEquals(1L, captures())
    }

    @Test
    fun `secuconnect push is read back through the API`() {
        val created = post("/secuconnect/orders?amount=19.90&currency=EUR")
        assertTrue(created.getString("paymentLink").isNotEmpty())
        sandbox.completeSmartTransaction(created.getString("smartTransactionId"), "success")
        val order = waitForOrder(created.getString("orderId")) { it.getString("status") != "open" }
        assertEquals("accepted", order.getString("status"), order.toString())
        assertEquals(1, order.getJSONArray("pushes").length())
        val pushes = delivered("secuconnect.push")
        assertTrue(pushes.isNotEmpty() && pushes.all { it.getInt("status") == 200 }, pushes.toString())
        // A repeated delivery is acknowledged and changes nothing.
        assertEquals(200, call("POST", "$shop/secuconnect/push", pushes[0].getJSONObject("body").toString()).statusCode())
        assertEquals(1, waitForOrder(created.getString("orderId")) { true }.getJSONArray("pushes").length())
    }
}
