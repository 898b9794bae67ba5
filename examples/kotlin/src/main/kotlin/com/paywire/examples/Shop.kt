// A JVM shop on the JDK's own HTTP server, taking payments through paywire: the Saferpay
// payment page with its return and notify routes, and a secuconnect Smart Transaction with
// its push route.
//
//   POST /orders?amount=25.00&currency=EUR&description=…  -> {"orderId","redirectUrl"}
//   GET  /saferpay/return?ref=…     the payer's browser comes back
//   GET  /saferpay/notify?ref=…     Saferpay's bodiless notification
//   POST /secuconnect/orders?amount=19.90&currency=EUR    -> {"orderId","smartTransactionId","paymentLink"}
//   POST /secuconnect/push          secuconnect's push notification
//   GET  /orders/{id}               what the shop knows about an order
//
// Configuration: SAFERPAY_* and SECUCONNECT_* (as `paywire sandbox` prints them), PORT
// (default 8080), and PUBLIC_URL, the address the providers and the payer reach this app at.
package com.paywire.examples

import com.paywire.BlockingSaferpayClient
import com.paywire.BlockingSecuconnectClient
import com.paywire.PaywireException
import com.paywire.ReturnUrls
import com.paywire.SaferpayCaptureInput
import com.paywire.SaferpayInitializePaymentPageInput
import com.paywire.SaferpayPaymentOutcomeInput
import com.paywire.SecuconnectCreateSmartTransactionInput
import com.paywire.SecuconnectGetPaymentTransactionInput
import com.paywire.moneyParse
import com.paywire.parsePush
import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.net.URLDecoder
import java.net.URLEncoder
import java.security.SecureRandom
import java.util.HexFormat
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors

/** What the shop keeps per order (a database row in a real shop). */
data class Order(
    val orderId: String,
    val provider: String,
    var status: String = "open",
    val token: String? = null,
    val smartTransactionId: String? = null,
    var transactionId: String? = null,
    var captureId: String? = null,
    val seen: MutableList<String> = mutableListOf(),
    val pushes: MutableList<String> = mutableListOf(),
)

class Shop(
    private val saferpay: BlockingSaferpayClient,
    private val secuconnect: BlockingSecuconnectClient,
    port: Int,
    publicUrl: String?,
) {
    private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", port), 0)
    val url = "http://127.0.0.1:${server.address.port}"
    private val base = (publicUrl ?: url).trimEnd('/')
    private val orders = ConcurrentHashMap<String, Order>()
    private val refs = ConcurrentHashMap<String, String>()
    private val handledPushes = ConcurrentHashMap.newKeySet<String>()
    private val random = SecureRandom()

    init {
        server.executor = Executors.newFixedThreadPool(8)
        server.createContext("/") { exchange ->
            try {
                route(exchange)
            } catch (e: PaywireException) {
                // Saferpay and secuconnect repeat what did not get a 2xx: right when we could not act.
                reply(exchange, 500, "${e::class.simpleName}: ${e.message}")
            } catch (e: Exception) {
                reply(exchange, 500, e.toString())
            }
        }
    }

    fun start(): Shop = apply { server.start() }

    fun stop() = server.stop(0)

    private fun newId(bytes: Int): String {
        val buffer = ByteArray(bytes)
        random.nextBytes(buffer)
        return HexFormat.of().formatHex(buffer)
    }

    private fun route(exchange: HttpExchange) {
        val path = exchange.requestURI.path
        val query = parseQuery(exchange.requestURI.rawQuery)
        when {
            exchange.requestMethod == "POST" && path == "/orders" -> createOrder(exchange, query)
            exchange.requestMethod == "GET" && path == "/saferpay/return" -> payerReturns(exchange, query["ref"])
            exchange.requestMethod == "GET" && path == "/saferpay/notify" -> saferpayNotifies(exchange, query["ref"])
            exchange.requestMethod == "POST" && path == "/secuconnect/orders" -> createSecuconnectOrder(exchange, query)
            exchange.requestMethod == "POST" && path == "/secuconnect/push" -> push(exchange)
            exchange.requestMethod == "GET" && path.startsWith("/orders/") -> showOrder(exchange, path.removePrefix("/orders/"))
            else -> reply(exchange, 404, "not found")
        }
    }

    private fun createOrder(exchange: HttpExchange, query: Map<String, String>) {
        val orderId = "order-${newId(8)}"
        // An unguessable reference in the URLs Saferpay and the payer call; never the token.
        val ref = newId(16)
        fun url(path: String) = "$base$path?ref=${URLEncoder.encode(ref, Charsets.UTF_8)}"
        val session = saferpay.initializePaymentPage(SaferpayInitializePaymentPageInput(
            amount = moneyParse(query.getValue("amount"), query.getValue("currency")),
            orderId = orderId,
            description = query["description"] ?: orderId,
            returnUrl = url("/saferpay/return"),
            successNotifyUrl = url("/saferpay/notify"),
            failNotifyUrl = url("/saferpay/notify"),
        ))
        orders[orderId] = Order(orderId, "saferpay", token = session.token)
        refs[ref] = orderId
        replyJson(exchange, mapOf("orderId" to orderId, "redirectUrl" to session.redirectUrl))
    }

    /** Return and notify race for one payment: both ask `paymentOutcome` (one Assert per
     *  token), and the order's lock lets only the first of them capture. */
    private fun settle(order: Order, trigger: String): Order = synchronized(order) {
        order.seen += trigger
        if (order.status != "open") return order
        val payment = try {
            saferpay.paymentOutcome(SaferpayPaymentOutcomeInput(order.token!!))
        } catch (e: PaywireException.Declined) {
            // Declined or aborted: the payer may try again with a new order.
            order.status = "failed"
            return order
        }
        val tx = payment.transaction
        order.transactionId = tx.id
        when (tx.status) {
            "AUTHORIZED" -> {
                order.captureId = saferpay.capture(SaferpayCaptureInput(tx.id)).captureId
                order.status = "paid"
            }
            "CAPTURED" -> {
                order.captureId = tx.captureId
                order.status = "paid"
            }
        }
        order
    }

    private fun payerReturns(exchange: HttpExchange, ref: String?) {
        val order = refs[ref ?: ""]?.let { orders[it] } ?: return reply(exchange, 404, "unknown order")
        val settled = settle(order, "return")
        reply(exchange, 200,
            if (settled.status == "paid") "Thank you: order ${order.orderId} is paid."
            else "Order ${order.orderId} was not paid; please try again.")
    }

    private fun saferpayNotifies(exchange: HttpExchange, ref: String?) {
        refs[ref ?: ""]?.let { orders[it] }?.let { settle(it, "notify") }
        // Unknown (or forged) references get 200 too, so they are not repeated.
        reply(exchange, 200, "")
    }

    private fun createSecuconnectOrder(exchange: HttpExchange, query: Map<String, String>) {
        val orderId = "order-${newId(8)}"
        val stx = secuconnect.createSmartTransaction(SecuconnectCreateSmartTransactionInput(
            amount = moneyParse(query.getValue("amount"), query.getValue("currency")),
            // Comes back as `orderId` on the Payment Transaction: how a push finds its order.
            merchantRef = orderId,
            autoCapture = true,
            returnUrls = ReturnUrls(urlPush = "$base/secuconnect/push"),
        ))
        orders[orderId] = Order(orderId, "secuconnect", smartTransactionId = stx.id)
        replyJson(exchange, mapOf("orderId" to orderId, "smartTransactionId" to stx.id, "paymentLink" to stx.paymentLink))
    }

    private fun push(exchange: HttpExchange) {
        val body = exchange.requestBody.readBytes().toString(Charsets.UTF_8)
        val push = try {
            parsePush(body)
        } catch (e: PaywireException.Validation) {
            return reply(exchange, 400, "not a push")
        }
        if (push.id in handledPushes) return reply(exchange, 200, "") // deliveries repeat
        // A push is unsigned and has no status: read what it names through the API.
        for (obj in push.objects.filter { it.`object` == "payment.transactions" }) {
            val transaction = secuconnect.getPaymentTransaction(SecuconnectGetPaymentTransactionInput(obj.id))
            val order = transaction.orderId?.let { orders[it] } ?: continue
            synchronized(order) {
                order.status = transaction.statusSimpleText ?: "unknown"
                order.transactionId = transaction.id
                order.pushes += push.id
            }
        }
        handledPushes += push.id
        reply(exchange, 200, "")
    }

    private fun showOrder(exchange: HttpExchange, id: String) {
        val order = orders[id] ?: return reply(exchange, 404, "not found")
        val fields = synchronized(order) {
            mapOf(
                "orderId" to order.orderId, "status" to order.status, "transactionId" to order.transactionId,
                "captureId" to order.captureId, "seen" to order.seen.toList(), "pushes" to order.pushes.toList(),
            )
        }
        replyJson(exchange, fields)
    }

    private fun reply(exchange: HttpExchange, status: Int, text: String, type: String = "text/plain") {
        val bytes = text.toByteArray(Charsets.UTF_8)
        exchange.responseHeaders.add("Content-Type", "$type; charset=utf-8")
        exchange.sendResponseHeaders(status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
        exchange.responseBody.use { it.write(bytes) }
    }

    private fun replyJson(exchange: HttpExchange, fields: Map<String, Any?>) =
        reply(exchange, 200, toJson(fields), "application/json")
}

private fun parseQuery(raw: String?): Map<String, String> =
    raw.orEmpty().split('&').filter { it.isNotEmpty() }.associate {
        val (k, v) = (it.split('=', limit = 2) + "").take(2)
        URLDecoder.decode(k, Charsets.UTF_8) to URLDecoder.decode(v, Charsets.UTF_8)
    }

/** Enough JSON for these answers (strings, null, lists of strings). */
private fun toJson(value: Any?): String = when (value) {
    null -> "null"
    is String -> "\"" + value.flatMap {
        when {
            it == '"' || it == '\\' -> listOf('\\', it)
            it < ' ' -> "\\u%04x".format(it.code).toList()
            else -> listOf(it)
        }
    }.joinToString("") + "\""
    is Map<*, *> -> value.entries.joinToString(",", "{", "}") { (k, v) -> toJson(k.toString()) + ":" + toJson(v) }
    is List<*> -> value.joinToString(",", "[", "]") { toJson(it) }
    else -> toJson(value.toString())
}

fun main() {
    val shop = Shop(
        saferpay = BlockingSaferpayClient.fromEnv(),
        secuconnect = BlockingSecuconnectClient.fromEnv(),
        port = System.getenv("PORT")?.toInt() ?: 8080,
        publicUrl = System.getenv("PUBLIC_URL"),
    ).start()
    println("listening on ${shop.url}")
}
