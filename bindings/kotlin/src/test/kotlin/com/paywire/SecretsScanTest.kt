package com.paywire

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.util.Base64
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

/**
 * Secrets scan (issue 10): with paywire's logging at its most verbose (`PAYWIRE_LOG=trace`),
 * every shared scenario runs through [ScenarioRunner]; then the native logs, every result's
 * `toString()`, every error's `toString()`/`message`/fields (raw body included) and the
 * `toString()` of every client and of the Sandbox are searched for every password, client
 * secret, API key, Basic credential and token the sandbox issued. Zero hits allowed.
 *
 * The core writes its log to the process's stderr (fd 2), which the JVM cannot capture, so the
 * scenarios run in a child JVM ([SecretsScanChild], same classpath) whose stderr goes to a file.
 */
class SecretsScanTest {
    @Test
    fun `no secret reaches logs, errors, results or toString`() {
        val dir = File("target/secrets-scan").absoluteFile.apply { deleteRecursively(); mkdirs() }
        val logFile = File(dir, "paywire-trace.log")
        val outFile = File(dir, "child-stdout.txt")
        val java = ProcessHandle.current().info().command()
            .orElse(File(System.getProperty("java.home"), "bin/java").path)
        // Surefire's forked JVM runs from a manifest-only jar; this property holds the real path.
        val classpath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
        val command = listOf(
            java,
            "-cp", classpath,
            "-Dpaywire.scenarios=" + (System.getProperty("paywire.scenarios") ?: "../../tests/scenarios"),
            SecretsScanChild::class.java.name,
            dir.path,
        )
        val process = ProcessBuilder(command)
            .redirectOutput(outFile)
            .redirectError(logFile)
            .also { it.environment()["PAYWIRE_LOG"] = "trace" }
            .start()
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly()
            fail("the scan's child JVM did not finish in 15 minutes")
        }
        val childOut = outFile.readText()
        assertEquals(0, process.exitValue(), "the scan's child JVM failed:\n${childOut.takeLast(4000)}\n${logFile.readText().takeLast(2000)}")

        val report = JSONObject(File(dir, "report.json").readText())
        val creds = report.getJSONObject("credentials")
        val tokens = report.getJSONArray("tokens").strings().toSortedSet()
        val b64 = { s: String -> Base64.getEncoder().encodeToString(s.toByteArray()) }
        val credentials = sortedSetOf(
            creds.getString("saferpay_password"),
            creds.getString("secuconnect_client_secret"),
            creds.getString("sekurepay_api_key"),
            b64(creds.getString("saferpay_username") + ":" + creds.getString("saferpay_password")),
            b64(creds.getString("secuconnect_client_id") + ":" + creds.getString("secuconnect_client_secret")),
            b64(creds.getString("sekurepay_api_key") + ":"),
        )
        val secrets = (credentials + tokens).toSortedSet()
        // Logs: the child's stderr (the core's and the sandbox's TRACE events) and its stdout.
        val logs = logFile.readText() + "\n" + childOut
        val transcript = File(dir, "transcript.txt").readText()

        val hits = mutableListOf<String>()
        for (secret in secrets) {
            for ((place, text) in listOf("logs" to logs, "results and errors" to transcript)) {
                val at = text.indexOf(secret)
                if (at >= 0) {
                    val kind = if (secret in tokens) "an issued token" else "a credential"
                    hits += "$place contain $kind starting '${secret.take(4)}' at offset $at: " +
                        text.substring(maxOf(0, at - 120), at).replace('\n', ' ') + "<SECRET>"
                }
            }
        }
        // The files of the scan hold the sandbox's public test constants and tokens only; they
        // are removed all the same so nothing secret-looking stays on disk.
        File(dir, "report.json").delete()

        println(
            "kotlin secrets scan: ${secrets.size} secrets (${tokens.size} tokens), " +
                "${logs.length / 1024} KiB of logs, ${transcript.length / 1024} KiB of results and errors, " +
                "${hits.size} hits",
        )
        println("kotlin secrets scan: ${report.getInt("scenarios")} scenario runs, ${report.getInt("steps")} steps, ${report.getInt("errors")} expected errors")

        assertTrue(tokens.isNotEmpty(), "the scenarios should have made the sandbox issue tokens")
        // The scan must not pass vacuously: TRACE logging must really have produced output,
        // from the core's HTTP calls as well as from the sandbox.
        assertTrue(logs.length > 50_000, "TRACE logging produced only ${logs.length} bytes")
        val lines = logFile.readLines()
        assertTrue(lines.count { " TRACE " in it || " DEBUG " in it } > 100, "too few DEBUG/TRACE events:\n${lines.take(20)}")
        for (provider in listOf("saferpay", "secuconnect", "sekurepay")) {
            assertTrue(lines.any { "provider=\"$provider\"" in it }, "no logged request to $provider")
        }
        assertTrue(transcript.length > 50_000, "the transcript is only ${transcript.length} bytes")
        assertTrue(hits.isEmpty(), hits.joinToString("\n"))
    }
}

private fun JSONArray.strings(): List<String> = (0 until length()).map { getString(it) }

/**
 * The child side of [SecretsScanTest]: started with `PAYWIRE_LOG=trace` and stderr in a file.
 * Runs every scenario, writes `transcript.txt` (what a caller could print) and `report.json`
 * (the sandbox's test credentials, every token it issued, counts) into the directory `args[0]`.
 */
object SecretsScanChild {
    @JvmStatic
    fun main(args: Array<String>) {
        val dir = File(args.single())
        try {
            run(dir)
        } catch (e: Throwable) {
            println("secrets scan child failed: ${e.stackTraceToString()}")
            exitProcess(1)
        }
        exitProcess(0)
    }

    private fun run(dir: File) {
        val transcript = StringBuilder()
        val tokens = sortedSetOf<String>()
        var scenarios = 0
        var steps = 0
        var errors = 0
        val failures = mutableListOf<String>()
        Sandbox.start().use { sandbox ->
            val collect = { tokens += sandbox.issuedTokens() }
            for (file in ScenarioTest.scenarioFiles()) {
                val scenario = JSONObject(file.readText())
                val runner = ScenarioRunner(sandbox, transcript, beforeReset = collect)
                try {
                    runner.run(scenario)
                } catch (e: AssertionError) {
                    failures += "${file.name}: ${e.message}"
                }
                // Tokens live until the next reset: collect them now too.
                collect()
                scenarios += scenario.optJSONObject("matrix")?.let { m -> m.getJSONArray(m.keys().next()).length() } ?: 1
                steps += runner.stepsPassed
                errors += runner.errorsMatched
                for (client in runner.clients()) transcript.append(client).append('\n')
            }
            if (failures.isNotEmpty()) throw AssertionError("scenarios failed:\n" + failures.joinToString("\n"))

            // toString() of every kind of client, built every way a caller can build one.
            val c = sandbox.credentials()
            val saferpay = sandbox.saferpayClient()
            val secuconnect = sandbox.secuconnectClient()
            val sekurepay = sandbox.sekurepayClient()
            val objects = listOf<Any>(
                sandbox,
                saferpay, saferpay.blocking(), saferpay.withOptions(timeout = 5.0, requestId = "kt-scan"),
                secuconnect, secuconnect.blocking(), secuconnect.withOptions(timeout = 5.0),
                sekurepay, sekurepay.blocking(), sekurepay.withOptions(timeout = 5.0),
                SaferpayClient(
                    customerId = c.saferpayCustomerId, username = c.saferpayUsername, password = c.saferpayPassword,
                    terminalId = c.saferpayTerminalId, baseUrl = sandbox.saferpayBaseUrl(),
                ),
                BlockingSaferpayClient(
                    customerId = c.saferpayCustomerId, username = c.saferpayUsername, password = c.saferpayPassword,
                    terminalId = c.saferpayTerminalId, baseUrl = sandbox.saferpayBaseUrl(),
                ),
                SecuconnectClient(
                    clientId = c.secuconnectClientId, clientSecret = c.secuconnectClientSecret,
                    contractId = c.secuconnectContractId, baseUrl = sandbox.secuconnectBaseUrl(),
                ),
                BlockingSecuconnectClient(
                    clientId = c.secuconnectClientId, clientSecret = c.secuconnectClientSecret,
                    contractId = c.secuconnectContractId, baseUrl = sandbox.secuconnectBaseUrl(),
                ),
                SekurePayClient(apiKey = c.sekurepayApiKey, baseUrl = sandbox.sekurepayBaseUrl()),
                BlockingSekurePayClient(apiKey = c.sekurepayApiKey, baseUrl = sandbox.sekurepayBaseUrl()),
            )
            for (o in objects) transcript.append(o).append('\n')
            // A client that has fetched a secuconnect token prints the same (no token in it).
            kotlinx.coroutines.runBlocking { secuconnect.smartTransactions(SecuconnectSmartTransactionsInput(pageSize = 1)).nextBatch(1) }
            transcript.append(secuconnect).append('\n').append(secuconnect.blocking()).append('\n')
            collect()

            val report = JSONObject()
                .put("credentials", JSONObject()
                    .put("saferpay_username", c.saferpayUsername)
                    .put("saferpay_password", c.saferpayPassword)
                    .put("secuconnect_client_id", c.secuconnectClientId)
                    .put("secuconnect_client_secret", c.secuconnectClientSecret)
                    .put("sekurepay_api_key", c.sekurepayApiKey))
                .put("tokens", JSONArray(tokens.toList()))
                .put("scenarios", scenarios)
                .put("steps", steps)
                .put("errors", errors)
            File(dir, "transcript.txt").writeText(transcript.toString())
            File(dir, "report.json").writeText(report.toString())
        }
    }
}
