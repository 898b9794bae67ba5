package com.paywire

import org.json.JSONArray
import org.json.JSONObject
import org.json.JSONTokener
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import kotlin.reflect.KClass
import kotlin.reflect.KFunction
import kotlin.reflect.KParameter
import kotlin.reflect.full.memberFunctions
import kotlin.reflect.full.memberProperties
import kotlin.reflect.full.primaryConstructor

/**
 * Every row of core's operation tables (`operationTable()`, exported by the native library)
 * has, on the async and the blocking client, a method of the camelCase name taking the input
 * record `<Provider><Operation>Input`, whose fields are the row's parameters in camelCase, in
 * the same order, optional exactly when the row gives a default, with that default.
 */
class OperationsParityTest {
    private val prefixes = mapOf("saferpay" to "Saferpay", "secuconnect" to "Secuconnect", "sekurepay" to "SekurePay")
    private val clients = mapOf(
        "saferpay" to listOf(SaferpayClient::class, BlockingSaferpayClient::class),
        "secuconnect" to listOf(SecuconnectClient::class, BlockingSecuconnectClient::class),
        "sekurepay" to listOf(SekurePayClient::class, BlockingSekurePayClient::class),
    )

    private fun rows(): List<JSONObject> {
        val table = JSONArray(operationTable())
        return (0 until table.length()).map { table.getJSONObject(it) }
    }

    @TestFactory
    fun `every row has a method and an input record`(): List<DynamicTest> {
        val rows = rows()
        assertTrue(rows.size >= 30, "only ${rows.size} rows")
        assertEquals(prefixes.keys, rows.map { it.getString("provider") }.toSet())
        return rows.map { row -> DynamicTest.dynamicTest("${row.getString("provider")}.${row.getString("name")}") { check(row) } }
    }

    private fun check(row: JSONObject) {
        val provider = row.getString("provider")
        val name = camel(row.getString("name"))
        val params = row.getJSONArray("params").let { a -> (0 until a.length()).map { a.getJSONObject(it) } }
        val record: KClass<*>? = if (params.isEmpty()) null else
            Class.forName("com.paywire.${prefixes.getValue(provider)}${name.replaceFirstChar { it.uppercase() }}Input").kotlin

        for (client in clients.getValue(provider)) {
            val methods = client.memberFunctions.filter { it.name == name }
            assertEquals(1, methods.size, "${client.simpleName}.$name")
            val method: KFunction<*> = methods.single()
            val args = method.parameters.filter { it.kind == KParameter.Kind.VALUE }
            if (record == null) {
                assertEquals(0, args.size, "${client.simpleName}.$name takes no input")
            } else {
                assertEquals(listOf(record), args.map { it.type.classifier }, "${client.simpleName}.$name(${record.simpleName})")
            }
            assertEquals(!client.simpleName!!.startsWith("Blocking"), method.isSuspend, "${client.simpleName}.$name is suspend")
        }
        if (record == null) return

        val ctor = record.primaryConstructor!!
        assertEquals(params.map { camel(it.getString("name")) }, ctor.parameters.map { it.name }, "${record.simpleName} fields")
        for ((param, field) in params.zip(ctor.parameters)) {
            assertEquals(!param.isNull("default"), field.isOptional, "${record.simpleName}.${field.name} is optional")
        }

        // The defaults: a record built from its required fields only.
        val required = ctor.parameters.filter { !it.isOptional }.associateWith { placeholder(it) }
        val built = ctor.callBy(required)
        for ((param, field) in params.zip(ctor.parameters)) {
            if (param.isNull("default")) continue
            val expected = JSONTokener(param.getString("default")).nextValue()
            val actual = record.memberProperties.single { it.name == field.name }.getter.call(built)
            assertDefault(expected, actual, "${record.simpleName}.${field.name}")
        }
    }

    private fun placeholder(p: KParameter): Any = when (p.type.classifier) {
        String::class -> "x"
        Int::class -> 0
        Long::class -> 0L
        Boolean::class -> false
        Money::class -> Money(1, "CHF")
        DirectDebitAccount::class -> DirectDebitAccount("x", "x")
        List::class -> emptyList<Any>()
        else -> fail("no placeholder for required ${p.name}: ${p.type}")
    }

    private fun assertDefault(expected: Any, actual: Any?, what: String) {
        when (expected) {
            JSONObject.NULL -> assertEquals(null, actual, what)
            is Boolean -> assertEquals(expected, actual, what)
            is Number -> assertEquals(expected.toLong(), (actual as Number).toLong(), what)
            is String -> assertEquals(expected, actual, what)
            // An empty list, or JSON text (`"{}"`) for a parameter without a record of its own.
            is JSONArray -> if (actual is String) assertEquals(expected.toString(), JSONArray(actual).toString(), what)
                else assertEquals(expected.length(), (actual as List<*>).size, what)
            is JSONObject -> assertEquals(expected.toString(), JSONObject(actual as String).toString(), what)
            else -> fail("$what: unexpected default $expected")
        }
    }
}
