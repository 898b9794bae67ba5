//! A [`TokenStore`] in Redis, shared by every process and host of one merchant.
//!
//! Entries are sealed (ChaCha20-Poly1305, key derived from the client's secret) and stored
//! under names that are a keyed hash of the store key, so Redis holds neither a readable
//! token nor the client id. Calls are synchronous with short timeouts: the token manager
//! calls the store rarely, and a Redis that does not answer must cost milliseconds, not a
//! payment. After a failure the store backs off for a moment and answers "unavailable"
//! without trying, so an outage degrades to per-process refresh without slowing every call.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use ring::aead::{self, Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};

use super::store::{StoreLock, StoredToken, TokenEntry, TokenStore};
use crate::error::Error;
use crate::secret::Secret;

const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);
const IO_TIMEOUT: Duration = Duration::from_millis(500);
/// How long an unreachable Redis is not asked again.
const BACK_OFF: Duration = Duration::from_secs(2);
const SALT: &[u8] = b"paywire token store v1";

/// Deletes the lease only if it is still ours (a lease that expired and was taken by
/// another process must not be released by us).
const UNLOCK_SCRIPT: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

struct Connection {
    connection: Option<redis::Connection>,
    /// The process that opened `connection`: a forked worker (gunicorn, a Node cluster started
    /// after the client) must not talk on its parent's socket, their answers would interleave.
    pid: u32,
    down_until: Option<Instant>,
}

/// A token store in Redis: `redis://[user:password@]host[:port][/db]`.
pub struct RedisTokenStore {
    client: redis::Client,
    /// `host:port` for Debug and warnings (the URL may carry a password).
    address: String,
    seal: LessSafeKey,
    names: hmac::Key,
    state: Mutex<Connection>,
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("address", &self.address)
            .finish()
    }
}

struct Okm(usize);

impl hkdf::KeyType for Okm {
    fn len(&self) -> usize {
        self.0
    }
}

fn derive(secret: &Secret, info: &'static [u8]) -> Result<[u8; 32], Error> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, SALT).extract(secret.expose().as_bytes());
    let mut out = [0u8; 32];
    prk.expand(&[info], Okm(32))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| Error::internal("cannot derive the token store key"))?;
    Ok(out)
}

impl RedisTokenStore {
    /// Connects lazily: an unreachable Redis is not an error here, only a warning later.
    /// `secret` (the client secret or password) keys the sealing of the entries.
    pub fn new(url: &str, secret: &Secret) -> Result<RedisTokenStore, Error> {
        if secret.is_empty() {
            return Err(Error::validation(
                "token_store",
                "a Redis store needs the client's secret to seal its entries",
            ));
        }
        // The parse error may quote the URL (and its password): keep it out of the message.
        let client = redis::Client::open(url).map_err(|_| {
            Error::validation("token_store", "is not a valid redis://host:port URL")
        })?;
        let address = match url::Url::parse(url) {
            Ok(parsed) => format!(
                "{}:{}",
                parsed.host_str().unwrap_or("localhost"),
                parsed.port().unwrap_or(6379)
            ),
            Err(_) => "redis".to_owned(),
        };
        let seal_key = derive(secret, b"seal")?;
        let seal = LessSafeKey::new(
            UnboundKey::new(&CHACHA20_POLY1305, &seal_key)
                .map_err(|_| Error::internal("cannot create the token store key"))?,
        );
        let names = hmac::Key::new(hmac::HMAC_SHA256, &derive(secret, b"names")?);
        Ok(RedisTokenStore {
            client,
            address,
            seal,
            names,
            state: Mutex::new(Connection {
                connection: None,
                pid: std::process::id(),
                down_until: None,
            }),
        })
    }

    /// The Redis key for `kind` and `key`: a keyed hash, so names leak nothing.
    fn name(&self, kind: &str, key: &str) -> String {
        let tag = hmac::sign(&self.names, key.as_bytes());
        let hex: String = tag
            .as_ref()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("paywire:{kind}:{hex}")
    }

    fn lock_state(&self) -> MutexGuard<'_, Connection> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the connection (connecting first), marking Redis down on failure.
    fn with_connection<T>(
        &self,
        f: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, Error> {
        let mut state = self.lock_state();
        let pid = std::process::id();
        if state.pid != pid {
            // Leaked, not dropped: closing it could disturb the parent's use of the socket.
            std::mem::forget(state.connection.take());
            state.pid = pid;
            state.down_until = None;
        }
        if state.down_until.is_some_and(|until| Instant::now() < until) {
            return Err(Error::configuration(format!(
                "Redis token store at {} is unavailable",
                self.address
            )));
        }
        if state.connection.is_none() {
            match self.connect() {
                Ok(connection) => state.connection = Some(connection),
                Err(error) => return Err(self.mark_down(&mut state, &error)),
            }
        }
        let Some(connection) = state.connection.as_mut() else {
            return Err(Error::internal("Redis connection missing"));
        };
        match f(connection) {
            Ok(value) => {
                if state.down_until.take().is_some() {
                    tracing::info!(address = %self.address, "Redis token store reachable again");
                }
                Ok(value)
            }
            Err(error) => {
                state.connection = None;
                Err(self.mark_down(&mut state, &error))
            }
        }
    }

    fn connect(&self) -> redis::RedisResult<redis::Connection> {
        let connection = self.client.get_connection_with_timeout(CONNECT_TIMEOUT)?;
        connection.set_read_timeout(Some(IO_TIMEOUT))?;
        connection.set_write_timeout(Some(IO_TIMEOUT))?;
        Ok(connection)
    }

    fn mark_down(&self, state: &mut Connection, error: &redis::RedisError) -> Error {
        let was_up = state.down_until.is_none();
        state.down_until = Some(Instant::now() + BACK_OFF);
        // The redis error names the failure (refused, timeout), never the URL's password.
        let reason = format!("{:?}", error.kind());
        if was_up {
            tracing::warn!(
                address = %self.address,
                reason = %reason,
                "Redis token store unreachable; each process refreshes on its own until it is back"
            );
        }
        Error::configuration(format!(
            "Redis token store at {} failed ({reason})",
            self.address
        ))
    }

    fn seal(&self, name: &str, plain: &[u8]) -> Result<Vec<u8>, Error> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| Error::internal("no randomness for the token store"))?;
        let mut sealed = plain.to_vec();
        self.seal
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| Error::internal("cannot seal a token store entry"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// `None` for an entry that does not open (another secret, or tampered with).
    fn open(&self, name: &str, mut sealed: Vec<u8>) -> Option<Vec<u8>> {
        if sealed.len() < aead::NONCE_LEN {
            return None;
        }
        let body = sealed.split_off(aead::NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&sealed).ok()?;
        let mut body = body;
        let plain = self
            .seal
            .open_in_place(nonce, Aad::from(name.as_bytes()), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }

    fn get_sealed(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let sealed: Option<Vec<u8>> =
            self.with_connection(|c| redis::cmd("GET").arg(name).query(c))?;
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let plain = self.open(name, sealed);
        if plain.is_none() {
            tracing::warn!("ignoring a Redis token store entry that does not open");
        }
        Ok(plain)
    }

    fn put_sealed(&self, name: &str, plain: &[u8], ttl: Option<Duration>) -> Result<(), Error> {
        let sealed = self.seal(name, plain)?;
        self.with_connection(|c| {
            let mut cmd = redis::cmd("SET");
            cmd.arg(name).arg(sealed);
            if let Some(ttl) = ttl {
                cmd.arg("PX").arg(millis(ttl));
            }
            cmd.query::<()>(c)
        })
    }
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// Tokens outlive their access token by this much in Redis (the refresh token of a device
/// session must survive restarts; an entry nobody refreshes for a month is garbage).
const TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

impl TokenStore for RedisTokenStore {
    fn get(&self, key: &str) -> Result<Option<StoredToken>, Error> {
        let Some(plain) = self.get_sealed(&self.name("token", key))? else {
            return Ok(None);
        };
        let plain = Secret::new(String::from_utf8_lossy(&plain).into_owned());
        let Ok(entry) = serde_json::from_str::<TokenEntry>(plain.expose()) else {
            tracing::warn!("ignoring an unreadable Redis token store entry");
            return Ok(None);
        };
        Ok(entry.into_token())
    }

    fn put(&self, key: &str, token: &StoredToken) -> Result<(), Error> {
        let body = TokenEntry::encode(None, token);
        self.put_sealed(
            &self.name("token", key),
            body.expose().as_bytes(),
            Some(TOKEN_TTL),
        )
    }

    fn clear(&self, key: &str) -> Result<(), Error> {
        let name = self.name("token", key);
        self.with_connection(|c| redis::cmd("DEL").arg(&name).query::<()>(c))
    }

    fn try_lock(&self, key: &str, ttl: Duration) -> Result<StoreLock, Error> {
        let name = self.name("lock", key);
        let lease = format!("{}-{:032x}", std::process::id(), fastrand::u128(..));
        let answer: Option<String> = self.with_connection(|c| {
            redis::cmd("SET")
                .arg(&name)
                .arg(&lease)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query(c)
        })?;
        Ok(match answer {
            Some(_) => StoreLock::Acquired(lease),
            None => StoreLock::Busy,
        })
    }

    fn unlock(&self, key: &str, lease: &str) -> Result<(), Error> {
        let name = self.name("lock", key);
        self.with_connection(|c| {
            redis::cmd("EVAL")
                .arg(UNLOCK_SCRIPT)
                .arg(1)
                .arg(&name)
                .arg(lease)
                .query::<()>(c)
        })
    }

    fn get_record(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        self.get_sealed(&self.name("record", key))
    }

    fn put_record(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), Error> {
        self.put_sealed(&self.name("record", key), value, Some(ttl))
    }
}
