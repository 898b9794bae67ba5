// Idiomatic Kotlin on top of the generated bindings. Adapters only: paging, retries and
// validation all happen in the Rust core.
package com.paywire

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * The report as a cold [Flow], fetched page by page (serially) as it is collected.
 * Cancelling the collector cancels the in-flight page request.
 */
fun TransactionPager.asFlow(batchSize: Int = 500): Flow<ReportedTransaction> = flow {
    while (true) {
        val batch = nextBatch(batchSize)
        if (batch.isEmpty()) break
        for (transaction in batch) emit(transaction)
    }
}

/** The report as a blocking [Sequence] (for plain threads; never inside a coroutine). */
fun TransactionPager.asSequence(batchSize: Int = 500): Sequence<ReportedTransaction> = sequence {
    while (true) {
        val batch = nextBatchBlocking(batchSize)
        if (batch.isEmpty()) break
        yieldAll(batch)
    }
}

/** Smart transactions as a cold [Flow], page by page. */
fun SmartTransactionPager.asFlow(batchSize: Int = 100): Flow<SmartTransaction> = flow {
    while (true) {
        val batch = nextBatch(batchSize)
        if (batch.isEmpty()) break
        for (transaction in batch) emit(transaction)
    }
}

/** Smart transactions as a blocking [Sequence]. */
fun SmartTransactionPager.asSequence(batchSize: Int = 100): Sequence<SmartTransaction> = sequence {
    while (true) {
        val batch = nextBatchBlocking(batchSize)
        if (batch.isEmpty()) break
        yieldAll(batch)
    }
}

/** `"4.04 CHF"`. */
fun Money.format(): String = moneyFormat(this)
