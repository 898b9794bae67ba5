// The AAR: generated Kotlin (build/generated/uniffi, written by ../scripts/build with
// uniffi-android.toml) and src/main/jniLibs/<abi>/libpaywire_ffi.so for the ABIs below,
// each linked with 16 KB page alignment (Android 15+ devices with 16 KB pages).
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
    `maven-publish`
}

val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

android {
    namespace = "com.paywire"
    compileSdk = 35
    // The NDK that scripts/build links with (r27: 16 KB-aligned by default).
    ndkVersion = "27.2.12479018"

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += abis }
    }
    sourceSets["main"].apply {
        java.srcDir(layout.buildDirectory.dir("generated/uniffi"))
        jniLibs.srcDir("src/main/jniLibs")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    packaging {
        // Keep the libraries as built (already stripped; stored uncompressed and page-aligned).
        jniLibs.useLegacyPackaging = false
    }
    publishing {
        singleVariant("release") {
            withSourcesJar()
        }
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // The AAR flavour of JNA: it carries libjnidispatch.so per ABI (the plain JAR has none for Android).
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")
    // UniFFI's Android code annotates its SystemCleaner path with @RequiresApi.
    implementation("androidx.annotation:annotation:1.9.1")
}

// Every ABI must be there before an AAR is assembled: a missing one would install and then fail
// to load on those devices.
val checkJniLibs by tasks.registering {
    doLast {
        val missing = abis.filter { !file("src/main/jniLibs/$it/libpaywire_ffi.so").isFile }
        check(missing.isEmpty()) { "jniLibs missing for $missing: run bindings/android/scripts/build" }
        check(layout.buildDirectory.dir("generated/uniffi").get().asFile.walk().any { it.name.endsWith(".kt") }) {
            "no generated Kotlin: run bindings/android/scripts/build"
        }
    }
}
tasks.named("preBuild") { dependsOn(checkJniLibs) }

publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "com.paywire"
            artifactId = "paywire-android"
            version = providers.gradleProperty("paywire.version").get()
            afterEvaluate { from(components["release"]) }
            pom {
                name.set("paywire (Android)")
                description.set("Saferpay, secuconnect and SekurePay from one Rust core, via UniFFI, for Android (arm64-v8a, armeabi-v7a, x86_64).")
                url.set("https://example.invalid/paywire")
                licenses {
                    license { name.set("MIT"); url.set("https://example.invalid/paywire/LICENSE-MIT") }
                    license { name.set("Apache-2.0"); url.set("https://example.invalid/paywire/LICENSE-APACHE") }
                }
                developers { developer { id.set("paywire"); name.set("The paywire developers") } }
                scm {
                    url.set("https://example.invalid/paywire")
                    connection.set("scm:git:https://example.invalid/paywire.git")
                }
            }
        }
    }
}
