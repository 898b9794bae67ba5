package com.paywire

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.temporal.ChronoUnit
import java.lang.reflect.InvocationTargetException
import kotlin.reflect.KClass
import kotlin.reflect.KType
import kotlin.reflect.full.callSuspend
import kotlin.reflect.full.memberFunctions
import kotlin.reflect.full.memberProperties
import kotlin.reflect.full.primaryConstructor

/**
 * Runs one shared scenario (tests/scenarios/README.md) against the embedded sandbox, unchanged.
 * A call that is a row of core's operation tables (`operationTable()`) goes to the generated
 * method with its input record; the few calls that are not rows (payment links, pushes, the
 * device flow) are dispatched by hand. An unknown call fails the scenario.
 *
 * For the secrets scan: with a [transcript], every result's `toString()` and every error's
 * `toString()`, `message` and fields are appended to it; [beforeReset] runs before each sandbox
 * reset (the sandbox forgets the tokens it issued when it resets).
 */
class ScenarioRunner(
    private val sandbox: Sandbox,
    private val transcript: StringBuilder? = null,
    private val beforeReset: () -> Unit = {},
) {
    private val saved = mutableMapOf<String, Any?>()
    private val saferpay: SaferpayClient by lazy { sandbox.saferpayClient() }
    private val secuconnect: SecuconnectClient by lazy { sandbox.secuconnectClient() }
    private val sekurepay: SekurePayClient by lazy { sandbox.sekurepayClient() }

    /** Steps run and passed so far, and how many of them expected (and got) an error. */
    var stepsPassed = 0
        private set
    var errorsMatched = 0
        private set

    /** The clients this runner calls (created on first use). */
    fun clients(): List<Any> = listOf(saferpay, secuconnect, sekurepay)

    /** Runs the scenario, once per value when it has a `matrix` (`{"provider": [...]}`). */
    fun run(scenario: JSONObject) {
        val matrix = scenario.optJSONObject("matrix")
        if (matrix == null || matrix.isEmpty) return runOnce(scenario, emptyMap())
        val name = matrix.keys().next()
        val values = matrix.getJSONArray(name)
        for (i in 0 until values.length()) {
            val value = values.get(i)
            try {
                runOnce(scenario, mapOf(name to value))
            } catch (e: AssertionError) {
                throw AssertionError("[$name=$value] ${e.message}", e)
            }
        }
    }

    private fun runOnce(scenario: JSONObject, initial: Map<String, Any?>) = runBlocking {
        beforeReset()
        sandbox.reset()
        saved.clear()
        saved.putAll(initial)
        val steps = scenario.getJSONArray("steps")
        for (i in 0 until steps.length()) {
            val step = steps.getJSONObject(i)
            try {
                runStep(step)
                stepsPassed++
                if (step.has("expect_error")) errorsMatched++
            } catch (e: AssertionError) {
                throw AssertionError("step ${i + 1} ${describe(step)}: ${e.message}", e)
            }
        }
    }

    private fun describe(step: JSONObject): String =
        if (step.has("sandbox")) "sandbox.${step.getString("sandbox")}"
        else "${step.getString("client")}.${step.getString("call")}"

    private suspend fun runStep(step: JSONObject) {
        val args = Args(substitute(step.optJSONObject("args") ?: JSONObject()) as Map<*, *>)
        if (step.has("sandbox")) {
            val answer = sandboxAction(step.getString("sandbox"), args)
            transcript?.append(answer)?.append('\n')
            args.checkAllUsed()
        } else {
            val client = substitute(step.getString("client")) as String
            val call = step.getString("call")
            val table = when (client) {
                "saferpay" -> saferpayCalls + linkCalls { saferpay.linkOps() }
                "secuconnect" -> secuconnectCalls + linkCalls { secuconnect.linkOps() }
                "sekurepay" -> sekurepayCalls
                else -> fail("unknown client '$client' (the Kotlin runner knows: saferpay, secuconnect, sekurepay)")
            }
            val action = table[call] ?: fail("the Kotlin runner has no call '$client.$call'")
            var result: Any? = null
            var error: PaywireException? = null
            var total: Long? = null
            try {
                result = action(args)
                if (step.has("expect_count") || step.has("expect_unique")) {
                    result = when (val pager = result) {
                        is TransactionPager -> pager.asFlow(700).toList().also { total = pager.totalTransactions() }
                        is SmartTransactionPager -> pager.asFlow(200).toList().also { total = pager.total() }
                        else -> fail("expect_count on a call that is not an iterator: $pager")
                    }
                }
            } catch (e: PaywireException) {
                error = e
            }
            transcript?.let { t -> if (error != null) record(t, error) else t.append(result).append('\n') }
            args.checkAllUsed()
            if (step.has("expect_error")) {
                if (error == null) fail("expected error ${step.get("expect_error")}, got result $result")
                checkError(expected("expect_error", step) as JSONObject, error)
            } else if (error != null) {
                fail("unexpected error: $error")
            }
            if (step.has("expect")) match(expected("expect", step), result, "result")
            if (step.has("expect_count")) {
                val items = result as List<*>
                val want = when (val expected = step.get("expect_count")) {
                    "total" -> total ?: fail("the provider reported no total")
                    is Number -> expected.toLong()
                    else -> fail("bad expect_count $expected")
                }
                assertEq(want, items.size.toLong(), "count")
            }
            if (step.optBoolean("expect_unique", false)) {
                val ids = (result as List<*>).map { property(it, "id") }
                assertEq(ids.size.toLong(), ids.toSet().size.toLong(), "unique ids")
            }
            step.optJSONObject("save")?.let { save ->
                for (name in save.keySet()) saved[name] = path(result, save.getString(name))
            }
        }
        if (step.has("expect_stats")) match(expected("expect_stats", step), JSONObject(sandbox.stats()), "stats")
    }

    /** An expectation with its `${...}` placeholders filled in. */
    private fun expected(key: String, step: JSONObject): Any = Args.toJson(substitute(step.get(key)))

    // ---- dispatch tables -------------------------------------------------------------------

    /**
     * Runs row [call] of a provider's table: the input record `<Provider><Call>Input` is built
     * from the step's snake_case arguments by its constructor (each argument by its camelCase
     * field), then passed to the client method of the same name. Every row the bindings
     * generate is reachable without a line here, and core decodes what the record carries.
     */
    private suspend fun row(client: Any, call: String, a: Args): Any? {
        val method = client::class.memberFunctions.firstOrNull { it.name == camel(call) && it.parameters.size <= 2 }
            ?: fail("${client::class.simpleName} has no method ${camel(call)}")
        return try {
            when (val input = method.parameters.getOrNull(1)) {
                null -> method.callSuspend(client)
                else -> method.callSuspend(client, a.record(input.type))
            }
        } catch (e: InvocationTargetException) {
            throw e.targetException
        }
    }

    private fun rows(client: () -> Any, names: Set<String>): Map<String, suspend (Args) -> Any?> =
        names.associateWith<String, suspend (Args) -> Any?> { name -> { a -> row(client(), name, a) } }

    private val saferpayCalls by lazy { rows({ saferpay }, tableNames("saferpay")) }

    /** The same payment-link calls on either provider (`create_payment_link` …). */
    private class LinkOps(
        val create: suspend (Money, String, String, String?) -> PaymentLink,
        val get: suspend (String) -> PaymentLink,
        val cancel: suspend (String) -> PaymentLink,
    )

    private fun SaferpayClient.linkOps() = LinkOps(
        { m, o, d, e -> createPaymentLink(m, o, d, e) }, { getPaymentLink(it) }, { cancelPaymentLink(it) },
    )

    private fun SecuconnectClient.linkOps() = LinkOps(
        { m, o, d, e -> createPaymentLink(m, o, d, e) }, { getPaymentLink(it) }, { cancelPaymentLink(it) },
    )

    private fun linkCalls(ops: () -> LinkOps): Map<String, suspend (Args) -> Any?> = mapOf(
        "create_payment_link" to { a ->
            ops().create(a.money("amount"), a.str("order_id"), a.str("description"), a.optStr("expires_at"))
        },
        "get_payment_link" to { a -> ops().get(a.str("id")) },
        "cancel_payment_link" to { a -> ops().cancel(a.str("id")) },
    )

    private val secuconnectCalls: Map<String, suspend (Args) -> Any?> by lazy {
        rows({ secuconnect }, tableNames("secuconnect")) + mapOf(
            "parse_push" to { a -> parsePush(a.json("body") ?: fail("parse_push needs a body")) },
            "device_authorize" to { a -> secuconnect.deviceAuthorize(a.str("uuid")) },
        )
    }

    private val sekurepayCalls by lazy { rows({ sekurepay }, tableNames("sekurepay")) }

    /** Everything a caller could print about an error, raw fields included. */
    private fun record(t: StringBuilder, e: PaywireException) {
        val info = e.info()
        t.append(e.toString()).append('\n')
            .append(e.message).append('\n')
            .append(e.localizedMessage).append('\n')
            .append(info).append('\n')
            .append(info.errorMessage).append('\n')
            .append(info.details.joinToString("\n")).append('\n')
            .append(info.raw).append('\n')
            .append(info.display).append('\n')
            .append(e.stackTraceToString()).append('\n')
    }

    private fun sandboxAction(name: String, a: Args): Any? =
        when (name) {
            "pay_payment_link" -> when (val provider = a.str("provider")) {
                "saferpay" -> sandbox.payOffer(a.str("id"), a.optStr("outcome") ?: "success")
                "secuconnect" -> sandbox.completeSmartTransaction(a.str("id"), a.optStr("outcome") ?: "success")
                else -> fail("no payment links on $provider")
            }
            "approve_device" -> sandbox.approveDevice(a.str("user_code"))
            "pay_offer" -> sandbox.payOffer(a.str("offer_id"), a.optStr("outcome") ?: "success")
            "pay_payment_page" -> sandbox.payPaymentPage(a.str("token"), a.optStr("outcome") ?: "success")
            "complete_smart_transaction" ->
                sandbox.completeSmartTransaction(a.str("id"), a.optStr("outcome") ?: "success")
            "inject_fault" -> sandbox.injectFault(
                a.str("route"), a.str("mode"), a.optInt("count") ?: 1, a.optLong("delay_ms"),
            )
            "advance_clock" -> sandbox.advanceClock(a.long("seconds"))
            "expire_tokens" -> sandbox.expireTokens()
            "reset" -> { beforeReset(); sandbox.reset() }
            else -> fail("the Kotlin runner has no sandbox action '$name'")
        }

    // ---- values ----------------------------------------------------------------------------

    private val placeholder = Regex("""\$\{([^}]+)}""")

    private fun substitute(value: Any?): Any? = when (value) {
        is JSONObject -> value.keySet().associateWith { substitute(value.get(it)) }
        is JSONArray -> (0 until value.length()).map { substitute(value.get(it)) }
        JSONObject.NULL -> null
        is String -> {
            val whole = placeholder.matchEntire(value)
            if (whole != null) resolve(whole.groupValues[1])
            else placeholder.replace(value) { resolve(it.groupValues[1]).toString() }
        }
        else -> value
    }

    private fun resolve(name: String): Any? {
        val relative = Regex("""now([+-])(\d+)([mhd])""").matchEntire(name)
        return when {
            name == "unique" -> "kt-" + java.util.UUID.randomUUID().toString().replace("-", "").take(20)
            name == "sandbox_url" -> sandbox.url()
            name == "yesterday" -> LocalDate.now(ZoneOffset.UTC).minusDays(1).toString()
            name.startsWith("days_ago:") ->
                LocalDate.now(ZoneOffset.UTC).minusDays(name.removePrefix("days_ago:").toLong()).toString()
            relative != null -> {
                val (sign, amount, unit) = relative.destructured
                val n = amount.toLong() * (if (sign == "-") -1 else 1)
                val chrono = when (unit) { "m" -> ChronoUnit.MINUTES; "h" -> ChronoUnit.HOURS; else -> ChronoUnit.DAYS }
                OffsetDateTime.now(ZoneOffset.UTC).plus(n, chrono).truncatedTo(ChronoUnit.SECONDS)
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            }
            saved.containsKey(name) -> saved[name]
            else -> fail("unknown placeholder \${$name}")
        }
    }

    // ---- matching --------------------------------------------------------------------------

    private fun checkError(expected: JSONObject, error: PaywireException) {
        val info = error.info()
        for (key in expected.keySet()) {
            val actual: Any? = when (key) {
                "kind" -> info.kind
                "code" -> info.code
                "field" -> info.field
                "provider" -> info.provider
                "http_status" -> info.httpStatus
                "retryable" -> info.retryable.name.lowercase()
                "outcome_unknown" -> info.outcomeUnknown
                else -> fail("unknown expect_error key '$key'")
            }
            match(expected.get(key), actual, "error.$key")
        }
        // The variant and the kind field agree.
        assertEq(kindOf(error), info.kind, "error variant")
    }

    private fun match(expected: Any?, actual: Any?, where: String) {
        when (expected) {
            null, JSONObject.NULL -> if (actual != null) fail("$where: expected null, got $actual")
            is JSONObject -> {
                if (actual == null) fail("$where: expected $expected, got null")
                for (key in expected.keySet()) match(expected.get(key), property(actual, key), "$where.$key")
            }
            is JSONArray -> {
                val list = actual as? List<*> ?: fail("$where: expected a list, got $actual")
                assertEq(expected.length().toLong(), list.size.toLong(), "$where length")
                for (i in 0 until expected.length()) match(expected.get(i), list[i], "$where[$i]")
            }
            is Number -> {
                if (actual !is Number) fail("$where: expected $expected, got $actual")
                if (expected.toDouble() != actual.toDouble()) fail("$where: expected $expected, got $actual")
            }
            is String -> {
                val text = when (actual) { is Enum<*> -> actual.name.lowercase(); else -> actual }
                if (text != expected) fail("$where: expected '$expected', got '$actual'")
            }
            is Boolean -> if (actual != expected) fail("$where: expected $expected, got $actual")
            else -> fail("$where: cannot match $expected")
        }
    }

    private fun path(value: Any?, dotted: String): Any? =
        if (dotted == ".") value else dotted.split('.').fold(value) { v, key -> property(v, key) }

    private fun property(value: Any?, key: String): Any? {
        if (value == null) fail("no '$key' on null")
        if (value is JSONObject) return if (value.has(key)) value.get(key).takeIf { it != JSONObject.NULL } else fail("stats have no '$key'")
        if (value is Map<*, *>) return value[key]
        if (value is List<*>) {
            val index = key.toIntOrNull() ?: fail("'$key' is not an index into a list")
            return value.getOrNull(index) ?: fail("index $index out of range (${value.size} items)")
        }
        val name = camel(key)
        val prop = value::class.memberProperties.firstOrNull { it.name == name }
            ?: fail("${value::class.simpleName} has no property '$name' (for '$key')")
        return prop.getter.call(value)
    }
}

fun snake(camel: String): String = camel.replace(Regex("([A-Z])")) { "_" + it.value.lowercase() }

/** The operation names of [provider]'s table, as the native library exports it. */
fun tableNames(provider: String): Set<String> {
    val rows = JSONArray(operationTable())
    return (0 until rows.length()).map { rows.getJSONObject(it) }
        .filter { it.getString("provider") == provider }.map { it.getString("name") }.toSet()
}

fun camel(snake: String): String =
    snake.split('_').mapIndexed { i, part -> if (i == 0) part else part.replaceFirstChar { it.uppercase() } }.joinToString("")

fun kindOf(e: PaywireException): String = when (e) {
    is PaywireException.Validation -> "validation"
    is PaywireException.Authentication -> "authentication"
    is PaywireException.Permission -> "permission"
    is PaywireException.NotFound -> "not_found"
    is PaywireException.Conflict -> "conflict"
    is PaywireException.Declined -> "declined"
    is PaywireException.RateLimited -> "rate_limited"
    is PaywireException.Api -> "api"
    is PaywireException.Transport -> "transport"
    is PaywireException.Decode -> "decode"
    is PaywireException.Configuration -> "configuration"
    is PaywireException.Internal -> "internal"
    is PaywireException.OutcomeUnknown -> "outcome_unknown"
}

fun fail(message: String): Nothing = throw AssertionError(message)

fun assertEq(expected: Any?, actual: Any?, what: String) {
    if (expected != actual) fail("$what: expected $expected, got $actual")
}

/** A step's arguments; every argument must be consumed, so a typo in a scenario fails. */
class Args(private val map: Map<*, *>) {
    private val used = mutableSetOf<String>()

    private fun raw(name: String): Any? {
        used += name
        return map[name]
    }

    fun checkAllUsed() {
        val unused = map.keys.map { it.toString() } - used
        if (unused.isNotEmpty()) fail("arguments not understood by the Kotlin runner: $unused")
    }

    fun str(name: String): String = raw(name) as? String ?: fail("argument '$name' must be a string")
    fun optStr(name: String): String? = raw(name)?.let { it as? String ?: fail("argument '$name' must be a string") }
    fun long(name: String): Long = (raw(name) as? Number ?: fail("argument '$name' must be a number")).toLong()
    fun optLong(name: String): Long? = raw(name)?.let { (it as? Number ?: fail("'$name' must be a number")).toLong() }
    fun optInt(name: String): Int? = optLong(name)?.toInt()
    fun bool(name: String, default: Boolean): Boolean = raw(name)?.let { it as? Boolean ?: fail("'$name' must be a boolean") } ?: default
    fun strList(name: String): List<String> = (raw(name) as? List<*> ?: fail("'$name' must be a list")).map { it as String }
    fun money(name: String): Money = toMoney(raw(name) ?: fail("argument '$name' is required"))
    fun optMoney(name: String): Money? = raw(name)?.let { toMoney(it) }
    fun optBool(name: String): Boolean? = raw(name)?.let { it as? Boolean ?: fail("'$name' must be a boolean") }
    fun optStrList(name: String): List<String>? = raw(name)?.let { v -> (v as? List<*> ?: fail("'$name' must be a list")).map { it as String } }
    fun list(name: String): List<*> = raw(name) as? List<*> ?: fail("'$name' must be a list")
    fun optList(name: String): List<*>? = raw(name)?.let { it as? List<*> ?: fail("'$name' must be a list") }
    /** The input record of type [type] from every argument (each by its camelCase field). */
    fun record(type: KType): Any = build(type.classifier as KClass<*>, map.keys.associate { k -> k.toString() to raw(k.toString()) }, "")

    /** A nested input as snake_case JSON text, for the bindings' `*FromJson` decoders. */
    fun json(name: String): String? = raw(name)?.let { toJson(it).toString() }

    companion object {
        /** A generated record from snake_case values: records nest, lists convert item by item. */
        fun build(cls: KClass<*>, values: Map<String, Any?>, where: String): Any {
            val ctor = cls.primaryConstructor ?: fail("${cls.simpleName} has no constructor")
            val known = ctor.parameters.associateBy { snake(it.name!!) }
            val unknown = values.keys - known.keys
            if (unknown.isNotEmpty()) fail("${cls.simpleName} has no field for $where$unknown")
            val args = known.filterKeys { it in values }.entries.associate { (key, p) ->
                p to convert(values[key], p.type, "$where$key")
            }
            return ctor.callBy(args)
        }

        fun convert(value: Any?, type: KType, where: String): Any? {
            if (value == null) return null
            return when (val cls = type.classifier as KClass<*>) {
                String::class -> value as? String ?: toJson(value).toString() // JSON-text parameters
                Int::class -> (value as? Number ?: fail("'$where' must be a number")).toInt()
                Long::class -> (value as? Number ?: fail("'$where' must be a number")).toLong()
                Boolean::class -> value as? Boolean ?: fail("'$where' must be a boolean")
                List::class -> {
                    val list = value as? List<*> ?: fail("'$where' must be a list")
                    val item = type.arguments.single().type!!
                    if (list.any { !fits(item.classifier as KClass<*>, it) }) return decodeJson(List::class, item.classifier as KClass<*>, value, where)
                    list.mapIndexed { i, v -> convert(v, item, "$where[$i]") }
                }
                Money::class -> toMoney(value)
                else -> {
                    if (!fits(cls, value)) return decodeJson(cls, null, value, where)
                    build(cls, (value as? Map<*, *> ?: fail("'$where' must be an object")).mapKeys { it.key.toString() }, "$where.")
                }
            }
        }

        /** Whether [value] has only keys that [cls] (a record) has fields for, nested ones too. */
        private fun fits(cls: KClass<*>, value: Any?): Boolean {
            val map = value as? Map<*, *> ?: return true
            val ctor = cls.primaryConstructor ?: return true
            if (cls == Money::class) return true
            val fields = ctor.parameters.associateBy { snake(it.name!!) }
            return map.all { (k, v) ->
                val p = fields[k.toString()] ?: return false
                val c = p.type.classifier as? KClass<*> ?: return@all true
                when {
                    c == List::class -> (v as? List<*>)?.all { fits(p.type.arguments.single().type!!.classifier as KClass<*>, it) } ?: true
                    else -> fits(c, v)
                }
            }
        }

        /**
         * A value Kotlin's typed records cannot hold (an unknown key, `payer.nickname`) goes
         * through the binding's JSON decoder for that record (`payerFromJson`,
         * `sekurepayItemsFromJson`), the core's decoding, which refuses it naming the field.
         */
        private fun decodeJson(cls: KClass<*>, item: KClass<*>?, value: Any, where: String): Any? {
            val decoder = Class.forName("com.paywire.PaywireKt").methods.firstOrNull { m ->
                m.name.endsWith("FromJson") && m.parameterTypes.toList() == listOf(String::class.java, String::class.java) &&
                    m.returnType == cls.java && (item == null || (m.genericReturnType as? java.lang.reflect.ParameterizedType)
                        ?.actualTypeArguments?.singleOrNull() == item.java)
            } ?: fail("'$where' has fields ${cls.simpleName} lacks, and no *FromJson decoder to refuse them")
            return try {
                decoder.invoke(null, toJson(value).toString(), where)
            } catch (e: InvocationTargetException) {
                throw e.targetException
            }
        }

        fun toMoney(value: Any): Money {
            val m = value as? Map<*, *> ?: fail("money must be {minor, currency}, got $value")
            return Money(minor = (m["minor"] as Number).toLong(), currency = m["currency"] as String)
        }

        fun toJson(value: Any?): Any = when (value) {
            null -> JSONObject.NULL
            is Map<*, *> -> JSONObject().also { o -> value.forEach { (k, v) -> o.put(k.toString(), toJson(v)) } }
            is List<*> -> JSONArray().also { a -> value.forEach { a.put(toJson(it)) } }
            else -> value
        }
    }
}

/** The sandbox's license answer: a package id and name (whatever package it emulates). */
fun assertLicensed(license: License) {
    if (license.packageId.isEmpty() || license.packageName.isEmpty()) fail("empty license: $license")
}
