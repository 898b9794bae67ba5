// The few Android API members UniFFI's Android-flavoured Kotlin uses, with their Android
// signatures, so scripts/check can compile that Kotlin on the JVM where no android.jar exists.
// Used by the check only; never packaged (the AAR compiles against the real SDK).
@file:Suppress("unused")

package android.os

object Build {
    object VERSION {
        const val SDK_INT: Int = 34
    }
    object VERSION_CODES {
        const val UPSIDE_DOWN_CAKE: Int = 34
    }
}
