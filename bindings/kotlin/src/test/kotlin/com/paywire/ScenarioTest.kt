package com.paywire

import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import java.io.File

/** Every file of tests/scenarios, unchanged, against one embedded sandbox (reset per scenario). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenarioTest {
    private val sandbox = Sandbox.start()

    @AfterAll
    fun stop() = sandbox.close()

    @TestFactory
    fun scenarios(): List<DynamicTest> {
        val dir = File(System.getProperty("paywire.scenarios") ?: "../../tests/scenarios")
        val files = dir.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()
        assertTrue(files.isNotEmpty(), "no scenarios in ${dir.absolutePath}")
        return files.map { file ->
            DynamicTest.dynamicTest(file.nameWithoutExtension) {
                ScenarioRunner(sandbox).run(JSONObject(file.readText()))
            }
        }
    }
}
