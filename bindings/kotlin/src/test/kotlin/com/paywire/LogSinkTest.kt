package com.paywire

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.Collections

/** The core's log events reach a Kotlin [LogSink]; a client whose Redis token store is down still pays. */
class LogSinkTest {
    @Test
    fun `a LogSink receives the warning of an unreachable Redis store and the call succeeds`() = runBlocking {
        val records = Collections.synchronizedList(mutableListOf<LogRecord>())
        assertTrue(setLogSink(object : LogSink {
            override fun log(record: LogRecord) {
                records.add(record)
            }
        }, "warn"))
        val sandbox = Sandbox.start()
        try {
            val credentials = sandbox.credentials()
            val client = SecuconnectClient(
                credentials.secuconnectClientId, credentials.secuconnectClientSecret,
                contractId = credentials.secuconnectContractId, baseUrl = sandbox.secuconnectBaseUrl(),
                // Nothing listens on port 1: the store is down, the payment call must not notice.
                tokenStore = "redis://127.0.0.1:1/",
            )
            val created = client.createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(100, "EUR")))
            assertTrue(created.id.isNotEmpty())
            val warning = records.firstOrNull { it.message.contains("Redis token store unreachable") }
            assertNotNull(warning, records.toString())
            assertEquals("warn", warning!!.level)
            assertFalse(records.toString().contains(credentials.secuconnectClientSecret))
            println("kotlin LogSink: ${records.size} record(s) at warn from a client whose Redis store is down; the call succeeded")
        } finally {
            setLogSink(null)
            sandbox.close()
        }
    }
}

/** A [TokenStore] of the app's own: a restarted client takes the stored token instead of asking again. */
class CustomTokenStoreTest {
    private class MapStore : TokenStore {
        val values = java.util.concurrent.ConcurrentHashMap<String, String>()
        override fun get(key: String): String? = values[key]
        override fun put(key: String, value: String) { values[key] = value }
        override fun clear(key: String) { values.remove(key) }
    }

    @Test
    fun `a Kotlin TokenStore keeps the token across clients`() = runBlocking {
        val sandbox = Sandbox.start()
        try {
            val credentials = sandbox.credentials()
            val store = MapStore()
            fun client() = SecuconnectClient(
                credentials.secuconnectClientId, credentials.secuconnectClientSecret,
                contractId = credentials.secuconnectContractId, baseUrl = sandbox.secuconnectBaseUrl(),
                customTokenStore = store,
            )
            val tokenRequests = { org.json.JSONObject(sandbox.stats()).getJSONObject("routes")
                .getJSONObject("secuconnect.oauth.token").getLong("requests") }
            val before = tokenRequests()
            val created = client().createSmartTransaction(SecuconnectCreateSmartTransactionInput(Money(100, "EUR")))
            assertEquals(1, store.values.size)
            assertFalse(store.values.keys.first().contains(credentials.secuconnectClientSecret))
            client().getSmartTransaction(SecuconnectGetSmartTransactionInput(created.id))
            assertEquals(1L, tokenRequests() - before)
            println("kotlin TokenStore: 1 token request for 2 clients sharing the app's store")
        } finally {
            sandbox.close()
        }
    }
}
