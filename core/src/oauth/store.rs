//! Where tokens live between calls and across restarts: a pluggable [`TokenStore`], an
//! in-memory default and a file store for processes that restart (CLIs, POS devices).

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use crate::error::Error;
use crate::secret::Secret;

/// A token as kept by a store. `expires_at` is wall-clock Unix seconds so it survives a
/// restart; 0 marks an access token that was rejected (the refresh token stays usable).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// Unix seconds after which the access token must not be used.
    pub expires_at: i64,
    pub token_type: Option<String>,
    pub scope: Option<String>,
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("access_token", &"***")
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .finish()
    }
}

impl StoredToken {
    /// The token as one opaque text, for a store of the host's own (Kotlin, Swift, JS) that
    /// keeps strings. It is the stores' JSON entry and holds the tokens in the clear, hence a
    /// `Secret`: keep it as safely as a password.
    pub fn to_text(&self) -> Secret {
        TokenEntry::encode(None, self)
    }

    /// Reads a text written by [`StoredToken::to_text`] (or by the file store); `None` when it
    /// is not one, so a foreign or damaged value only costs a new token request.
    pub fn from_text(text: &str) -> Option<StoredToken> {
        serde_json::from_str::<TokenEntry>(text).ok()?.into_token()
    }
}

/// Keeps tokens per key. The key names the environment (token URL), the client id and the
/// grant (device sessions add the device uuid); it never contains the client secret.
///
/// Calls are synchronous and made rarely (on first use, after each refresh, on invalidation),
/// from async code: implementations must be quick (a local file, a map; the Redis store bounds
/// each call with sub-second timeouts and backs off after a failure).
/// The token manager treats store failures as warnings: a broken store costs extra token
/// requests, never a failed payment call.
///
/// A store shared by several processes (Redis) also implements the lock and record methods:
/// the lock makes a refresh single-flight across processes, the records let Saferpay's
/// `payment_outcome` assert once per token across processes. The defaults mean "not shared":
/// each process coordinates only its own callers.
pub trait TokenStore: Send + Sync + 'static {
    fn get(&self, key: &str) -> Result<Option<StoredToken>, Error>;
    fn put(&self, key: &str, token: &StoredToken) -> Result<(), Error>;
    fn clear(&self, key: &str) -> Result<(), Error>;

    /// Takes the lease `key` for `ttl` unless another holder has it. The lease expires by
    /// itself, so a crashed holder blocks the others for `ttl` at most.
    fn try_lock(&self, key: &str, ttl: Duration) -> Result<StoreLock, Error> {
        let _ = (key, ttl);
        Ok(StoreLock::Unsupported)
    }

    /// Gives the lease back, if `lease` still holds it.
    fn unlock(&self, key: &str, lease: &str) -> Result<(), Error> {
        let _ = (key, lease);
        Ok(())
    }

    /// A small record written by [`TokenStore::put_record`], possibly by another process.
    fn get_record(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let _ = key;
        Ok(None)
    }

    /// Keeps `value` under `key` for `ttl`.
    fn put_record(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), Error> {
        let _ = (key, value, ttl);
        Ok(())
    }
}

/// The answer of [`TokenStore::try_lock`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreLock {
    /// Ours until unlocked or expired; the string identifies this holder.
    Acquired(String),
    /// Someone else holds it: wait for their result.
    Busy,
    /// The store is not shared between processes; nothing to coordinate.
    Unsupported,
}

/// The default store: a map in memory. Clones share the map, so one store can serve several
/// clients of the same process.
#[derive(Clone, Default)]
pub struct MemoryTokenStore {
    tokens: Arc<Mutex<HashMap<String, StoredToken>>>,
}

impl MemoryTokenStore {
    pub fn new() -> MemoryTokenStore {
        MemoryTokenStore::default()
    }

    fn map(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, StoredToken>>, Error> {
        self.tokens
            .lock()
            .map_err(|_| Error::internal("token store lock poisoned"))
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.map().map(|m| m.len()).unwrap_or(0);
        f.debug_struct("MemoryTokenStore")
            .field("entries", &count)
            .finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn get(&self, key: &str) -> Result<Option<StoredToken>, Error> {
        Ok(self.map()?.get(key).cloned())
    }

    fn put(&self, key: &str, token: &StoredToken) -> Result<(), Error> {
        self.map()?.insert(key.to_owned(), token.clone());
        Ok(())
    }

    fn clear(&self, key: &str) -> Result<(), Error> {
        self.map()?.remove(key);
        Ok(())
    }
}

/// Larger token files are not ours; refuse to parse them.
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// One JSON file per key in a directory. Files are created with mode 0600 (the directory,
/// when we create it, 0700) and replaced atomically (temp file in the same directory, fsync,
/// rename), so a reader never sees half a token and a crash never leaves a truncated file.
/// A corrupt or foreign file is ignored (and overwritten by the next refresh), never fatal.
/// File names are a hash of the key; the key itself is stored inside and checked on read.
#[derive(Clone)]
pub struct FileTokenStore {
    dir: PathBuf,
}

impl fmt::Debug for FileTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileTokenStore")
            .field("dir", &self.dir)
            .finish()
    }
}

/// A token as the stores keep it (JSON), one format for the file and the Redis store. The
/// file store also writes the key, so a file found under a colliding name is recognised.
#[derive(Deserialize)]
pub(crate) struct TokenEntry {
    #[serde(default)]
    pub(crate) key: Option<String>,
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    expires_at: i64,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

impl TokenEntry {
    /// The entry's JSON text for `token` (a `Secret`: it holds the tokens in the clear).
    pub(crate) fn encode(key: Option<&str>, token: &StoredToken) -> Secret {
        let mut body = json!({
            "access_token": token.access_token.expose(),
            "refresh_token": token.refresh_token.as_ref().map(Secret::expose),
            "expires_at": token.expires_at,
            "token_type": token.token_type,
            "scope": token.scope,
        });
        if let (Some(key), Some(object)) = (key, body.as_object_mut()) {
            object.insert("key".to_owned(), key.into());
        }
        Secret::new(body.to_string())
    }

    /// The token, or `None` for an entry without an access token.
    pub(crate) fn into_token(self) -> Option<StoredToken> {
        if self.access_token.is_empty() {
            return None;
        }
        Some(StoredToken {
            access_token: Secret::new(self.access_token),
            refresh_token: self
                .refresh_token
                .filter(|t| !t.is_empty())
                .map(Secret::new),
            expires_at: self.expires_at,
            token_type: self.token_type,
            scope: self.scope,
        })
    }
}

impl FileTokenStore {
    /// Uses `dir`, creating it (mode 0700) when missing.
    pub fn new(dir: impl Into<PathBuf>) -> Result<FileTokenStore, Error> {
        let dir = dir.into();
        if !dir.is_dir() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(&dir).map_err(|e| {
                Error::configuration(format!(
                    "cannot create token directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
        Ok(FileTokenStore { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds `key`.
    pub fn path_for(&self, key: &str) -> PathBuf {
        self.dir
            .join(format!("paywire-token-{:016x}.json", fnv1a(key)))
    }

    fn io_error(&self, action: &str, path: &Path, e: &std::io::Error) -> Error {
        Error::configuration(format!(
            "cannot {action} token file {}: {e}",
            path.display()
        ))
    }
}

/// FNV-1a: a stable file name for a key (not a security measure: keys hold no secrets).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl TokenStore for FileTokenStore {
    fn get(&self, key: &str) -> Result<Option<StoredToken>, Error> {
        let path = self.path_for(key);
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io_error("read", &path, &e)),
        };
        let mut bytes = Vec::new();
        let read = std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_FILE_BYTES + 1),
            &mut bytes,
        );
        if let Err(e) = read {
            return Err(self.io_error("read", &path, &e));
        }
        if bytes.len() as u64 > MAX_FILE_BYTES {
            tracing::warn!(path = %path.display(), "ignoring oversized token file");
            return Ok(None);
        }
        // Never log the parse error itself: serde quotes the offending input.
        let Ok(entry) = serde_json::from_slice::<TokenEntry>(&bytes) else {
            tracing::warn!(path = %path.display(), "ignoring unreadable token file");
            return Ok(None);
        };
        if entry.key.as_deref() != Some(key) {
            tracing::warn!(path = %path.display(), "ignoring token file for another key");
            return Ok(None);
        }
        Ok(entry.into_token())
    }

    fn put(&self, key: &str, token: &StoredToken) -> Result<(), Error> {
        let path = self.path_for(key);
        let bytes = TokenEntry::encode(Some(key), token);
        let temp = self.dir.join(format!(
            ".paywire-token-{:016x}.{}.{:016x}.tmp",
            fnv1a(key),
            std::process::id(),
            fastrand::u64(..)
        ));
        let written = write_private(&temp, bytes.expose().as_bytes())
            .and_then(|()| std::fs::rename(&temp, &path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(self.io_error("write", &path, &e));
        }
        sync_dir(&self.dir);
        Ok(())
    }

    fn clear(&self, key: &str) -> Result<(), Error> {
        let path = self.path_for(key);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io_error("remove", &path, &e)),
        }
    }
}

/// Creates `path` (which must not exist) readable by the owner only, writes and fsyncs it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Set at creation, so the token is never readable by others, not even briefly.
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes the rename durable (best effort; not every platform can open a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The store a `token_store` option names: `memory` (the default), `file:///path/to/dir`
/// ([`FileTokenStore`]) or `redis://[user:password@]host[:port][/db]` (a store shared by
/// processes and hosts; needs the `redis` feature). `secret` is the client's own secret:
/// the Redis store seals its entries with a key derived from it, so only processes holding
/// the same credentials can read them.
pub fn token_store_from_url(url: &str, secret: &Secret) -> Result<Arc<dyn TokenStore>, Error> {
    let text = url.trim();
    if text.is_empty() || text == "memory" {
        return Ok(Arc::new(MemoryTokenStore::new()));
    }
    if let Some(path) = text.strip_prefix("file://") {
        if path.is_empty() {
            return Err(Error::validation(
                "token_store",
                "file:// needs a directory",
            ));
        }
        return Ok(Arc::new(FileTokenStore::new(path)?));
    }
    if text.starts_with("redis://") || text.starts_with("redis+unix://") {
        #[cfg(feature = "redis")]
        {
            return Ok(Arc::new(super::redis_store::RedisTokenStore::new(
                text, secret,
            )?));
        }
        #[cfg(not(feature = "redis"))]
        {
            let _ = secret;
            return Err(Error::configuration(
                "token_store=redis://… needs paywire built with the `redis` feature",
            ));
        }
    }
    let _ = secret;
    Err(Error::validation(
        "token_store",
        "must be \"memory\", file:///dir or redis://host:port",
    ))
}
