// See AndroidStubs.kt: android.system.SystemCleaner (API 33) for the JVM compile check.
package android.system

object SystemCleaner {
    fun cleaner(): java.lang.ref.Cleaner = java.lang.ref.Cleaner.create()
}
