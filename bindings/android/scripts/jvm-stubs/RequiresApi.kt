// See AndroidStubs.kt: androidx.annotation.RequiresApi (a real dependency of the AAR).
package androidx.annotation

@Retention(AnnotationRetention.BINARY)
annotation class RequiresApi(val value: Int = 1, val api: Int = 1)
