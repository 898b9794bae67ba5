package com.paywire

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** A Rust panic becomes PaywireException.Internal; the JVM and the runtime keep working. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PanicTest {
    private val sandbox = Sandbox.start()
    private val client = sandbox.saferpayClient()

    @AfterAll
    fun stop() = sandbox.close()

    @Test
    fun `a panic on the shared runtime is Internal`() = runBlocking {
        val e = assertThrows<PaywireException.Internal> { panicForTest("kaboom async") }
        assertEquals("internal", e.kind)
        assertTrue(e.errorMessage.contains("kaboom async"), e.errorMessage)
        panicForTest("") // no panic: returns normally
        assertLicensed(client.license())
    }

    @Test
    fun `a panic on the calling thread is Internal`() = runBlocking {
        repeat(3) {
            val e = assertThrows<PaywireException.Internal> { panicForTestSync("kaboom sync $it") }
            assertTrue(e.toString().contains("kaboom sync $it"), e.toString())
        }
        panicForTestSync("")
        assertLicensed(client.license())
        assertLicensed(client.blocking().license())
    }
}
