//! Id generators and the deterministic hash used for seeded data.

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn pick(alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| alphabet[fastrand::usize(..alphabet.len())] as char)
        .collect()
}

/// Saferpay-style transaction id (28 alphanumerics).
pub fn saferpay_id() -> String {
    pick(ALNUM, 28)
}

/// Payment page token (28 lowercase alphanumerics).
pub fn token() -> String {
    pick(LOWER, 28)
}

/// Random lowercase hex.
pub fn hex(len: usize) -> String {
    pick(HEX, len)
}

/// Random lowercase letters.
pub fn letters(len: usize) -> String {
    pick(b"abcdefghijklmnopqrstuvwxyz", len)
}

/// Random lowercase alphanumerics.
pub fn lower(len: usize) -> String {
    pick(LOWER, len)
}

/// secuconnect-style id: `PREFIX_` + 30 uppercase alphanumerics.
pub fn secu_id(prefix: &str) -> String {
    format!("{prefix}_{}", pick(UPPER, 30))
}

/// A random version-4 UUID in its canonical text form.
pub fn uuid() -> String {
    let a = fastrand::u64(..);
    let b = fastrand::u64(..);
    let time_low = (a >> 32) as u32;
    let time_mid = (a >> 16) as u16;
    let time_hi = ((a as u16) & 0x0fff) | 0x4000;
    let clock = (((b >> 48) as u16) & 0x3fff) | 0x8000;
    let node = b & 0xffff_ffff_ffff;
    format!("{time_low:08x}-{time_mid:04x}-{time_hi:04x}-{clock:04x}-{node:012x}")
}

/// SplitMix64 finaliser: a fast, well-mixed deterministic hash step.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Deterministic hash of (seed, a, b).
pub fn hash3(seed: u64, a: i64, b: u64) -> u64 {
    mix(mix(seed ^ mix(a as u64)) ^ b)
}

/// Deterministic alphanumeric string of `len` characters from a hash.
pub fn det_alnum(mut h: u64, len: usize) -> String {
    let mut out = String::with_capacity(len);
    for i in 0..len {
        if i % 8 == 0 && i > 0 {
            h = mix(h);
        }
        out.push(ALNUM[(h % ALNUM.len() as u64) as usize] as char);
        h /= ALNUM.len() as u64;
        if h == 0 {
            h = mix(i as u64 ^ 0x5eed);
        }
    }
    out
}
