//! The token manager: one cached access token per client, refreshed ahead of expiry, with
//! every refresh single-flight.
//!
//! Single-flight matters beyond saving requests: secuconnect allows one access token per
//! device session, so two concurrent refreshes would invalidate each other's tokens.
//! Callers that find no usable token queue on one async gate; the first does the token
//! request, the others re-check after acquiring it and take its result, success or failure,
//! so N concurrent callers cause exactly one token request either way.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use super::endpoint::{DeviceAuthorization, Grant, TokenEndpoint, TokenResponse};
use super::error::{AUTHORIZATION_PENDING, EXPIRED_TOKEN, INVALID_GRANT, SLOW_DOWN};
use super::store::{StoreLock, StoredToken, TokenStore};
use crate::config::RequestOptions;
use crate::error::{Error, ErrorKind, Retryable};
use crate::secret::Secret;

/// Refresh this long before the token expires (of secuconnect's 1200 s lifetime), so a
/// token never expires between our check and the provider's.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Assumed lifetime when a token answer has no `expires_in` (the documented value).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(1200);

/// The cross-process refresh lease: longer than a token request takes, short enough that a
/// crashed holder delays the others only briefly.
const SHARED_LOCK_TTL: Duration = Duration::from_secs(10);
/// How often processes waiting for another's refresh look for its token.
const SHARED_POLL: Duration = Duration::from_millis(25);

enum Turn {
    /// Refresh here; with the store's lease when it is shared.
    Ours(Option<String>),
    /// Another process refreshed; its token.
    Adopted(Secret),
}

/// How new tokens are obtained when there is no usable refresh token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// `grant_type=client_credentials` (the default).
    ClientCredentials,
    /// A device session for this device uuid: started by the device flow, kept alive by the
    /// refresh token. When the refresh token dies, the device must be authorised again.
    Device { uuid: String },
}

/// What a caller may know about the current token (no secrets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub token_type: String,
    pub scope: Option<String>,
    /// Seconds the token was issued for.
    pub expires_in: u64,
    pub has_refresh_token: bool,
}

struct Current {
    access: Secret,
    expires_at: Instant,
    refresh_at: Instant,
    info: TokenInfo,
}

struct State {
    mode: AuthMode,
    current: Option<Current>,
    refresh: Option<Secret>,
    /// The last token the provider rejected: never adopted again from the store.
    rejected: Option<Secret>,
    /// Finished refresh attempts, and the error of the latest one if it failed: callers that
    /// waited on the gate during an attempt share its outcome instead of repeating it.
    completed: u64,
    last_error: Option<Error>,
}

/// Caches, refreshes and invalidates the access token of one client.
pub struct TokenManager {
    endpoint: TokenEndpoint,
    store: Arc<dyn TokenStore>,
    /// `{provider}|{token url}|{client id}`; the grant part is appended per mode.
    key_base: String,
    margin: Duration,
    state: Mutex<State>,
    gate: tokio::sync::Mutex<()>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mode, has_token) = match self.lock() {
            Ok(state) => (Some(state.mode.clone()), state.current.is_some()),
            Err(_) => (None, false),
        };
        f.debug_struct("TokenManager")
            .field("token_url", &self.endpoint.url.as_str())
            .field("client_id", &self.endpoint.credentials.client_id)
            .field("mode", &mode)
            .field("has_token", &has_token)
            .finish()
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn lifetime_of(response: &TokenResponse) -> Duration {
    response
        .expires_in
        .and_then(|s| u64::try_from(s).ok())
        .filter(|s| *s > 0)
        .map_or(DEFAULT_LIFETIME, Duration::from_secs)
}

impl State {
    fn key(&self, base: &str) -> String {
        match &self.mode {
            AuthMode::ClientCredentials => format!("{base}|client_credentials"),
            AuthMode::Device { uuid } => format!("{base}|device|{uuid}"),
        }
    }
}

impl TokenManager {
    pub(crate) fn new(
        endpoint: TokenEndpoint,
        mode: AuthMode,
        store: Arc<dyn TokenStore>,
        margin: Duration,
    ) -> TokenManager {
        let key_base = format!(
            "{}|{}|{}",
            endpoint.provider.as_str(),
            endpoint.url.as_str(),
            endpoint.credentials.client_id
        );
        TokenManager {
            endpoint,
            store,
            key_base,
            margin,
            state: Mutex::new(State {
                mode,
                current: None,
                refresh: None,
                rejected: None,
                completed: 0,
                last_error: None,
            }),
            gate: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, Error> {
        self.state
            .lock()
            .map_err(|_| Error::internal("token state lock poisoned"))
    }

    /// The store key of the current mode (environment, client id, grant; never the secret).
    pub fn store_key(&self) -> Result<String, Error> {
        Ok(self.lock()?.key(&self.key_base))
    }

    pub fn mode(&self) -> Result<AuthMode, Error> {
        Ok(self.lock()?.mode.clone())
    }

    /// What is known about the cached token, if there is one.
    pub fn token_info(&self) -> Option<TokenInfo> {
        let state = self.lock().ok()?;
        state.current.as_ref().map(|c| c.info.clone())
    }

    /// A usable access token: the cached one, or a new one (single-flight).
    pub async fn access_token(&self, options: &RequestOptions) -> Result<Secret, Error> {
        let now = Instant::now();
        let (seen, still_valid) = {
            let state = self.lock()?;
            match &state.current {
                Some(c) if now < c.refresh_at => return Ok(c.access.clone()),
                Some(c) if now < c.expires_at => (state.completed, Some(c.access.clone())),
                _ => (state.completed, None),
            }
        };
        let _gate = match still_valid {
            // Due for refresh but still valid: refresh unless someone already is; the others
            // keep using the valid token instead of waiting.
            Some(token) => match self.gate.try_lock() {
                Ok(gate) => gate,
                Err(_) => return Ok(token),
            },
            None => self.gate.lock().await,
        };
        {
            let state = self.lock()?;
            let now = Instant::now();
            if let Some(c) = &state.current
                && now < c.refresh_at
            {
                return Ok(c.access.clone());
            }
            if state.completed > seen
                && let Some(error) = &state.last_error
            {
                return match &state.current {
                    Some(c) if now < c.expires_at => Ok(c.access.clone()),
                    _ => Err(error.clone()),
                };
            }
        }
        let result = self.obtain(options).await;
        let mut state = self.lock()?;
        state.completed += 1;
        match result {
            Ok(token) => {
                state.last_error = None;
                Ok(token)
            }
            Err(error) => {
                state.last_error = Some(error.clone());
                match &state.current {
                    // A refresh ahead of expiry failed, but the old token still works.
                    Some(c) if Instant::now() < c.expires_at => {
                        tracing::warn!(
                            kind = error.kind().as_str(),
                            code = error.code().unwrap_or(""),
                            "token refresh failed; using the current token until it expires"
                        );
                        Ok(c.access.clone())
                    }
                    _ => Err(error),
                }
            }
        }
    }

    /// Drops `token` if it is still the current one (the provider rejected it). Returns
    /// whether it was dropped: when many calls fail with the same token at once, only the
    /// first invalidation counts and the next `access_token` causes one refresh, not many.
    pub fn invalidate(&self, token: &Secret) -> bool {
        let Ok(mut state) = self.lock() else {
            return false;
        };
        let is_current = state.current.as_ref().is_some_and(|c| &c.access == token);
        if !is_current {
            return false;
        }
        state.current = None;
        state.rejected = Some(token.clone());
        let key = state.key(&self.key_base);
        // In a shared store, mark the token dead only while holding the refresh lease and
        // only if it is still the stored one: another process may be installing its new token
        // right now, and overwriting that would cost every process another refresh.
        let lock_key = format!("{key}|refresh");
        let lease = match self.store.try_lock(&lock_key, SHARED_LOCK_TTL) {
            Ok(StoreLock::Acquired(lease)) => Some(lease),
            Ok(StoreLock::Unsupported) => None,
            Ok(StoreLock::Busy) | Err(_) => return true,
        };
        let replaced =
            matches!(self.store.get(&key), Ok(Some(stored)) if &stored.access_token != token);
        if replaced {
            if let Some(lease) = lease {
                warn_store(self.store.unlock(&lock_key, &lease));
            }
            return true;
        }
        // Keep the refresh token; mark the access token dead for other processes too.
        let written = match &state.refresh {
            Some(refresh) => self.store.put(
                &key,
                &StoredToken {
                    access_token: token.clone(),
                    refresh_token: Some(refresh.clone()),
                    expires_at: 0,
                    token_type: None,
                    scope: None,
                },
            ),
            None => self.store.clear(&key),
        };
        warn_store(written);
        if let Some(lease) = lease {
            warn_store(self.store.unlock(&lock_key, &lease));
        }
        true
    }

    /// Forgets every token (access and refresh), in memory and in the store.
    pub fn clear(&self) -> Result<(), Error> {
        let mut state = self.lock()?;
        state.current = None;
        state.refresh = None;
        state.last_error = None;
        let key = state.key(&self.key_base);
        self.store.clear(&key)
    }

    /// Gets a new token: one from the store written by someone else, else (holding the
    /// store's lock when other processes share it) the refresh grant, else the primary
    /// grant. Runs only while holding the gate.
    async fn obtain(&self, options: &RequestOptions) -> Result<Secret, Error> {
        if let Some(token) = self.adopt_stored()? {
            return Ok(token);
        }
        let lock_key = format!("{}|refresh", self.store_key()?);
        let lease = match self.shared_turn(&lock_key).await? {
            Turn::Adopted(token) => return Ok(token),
            Turn::Ours(lease) => lease,
        };
        let result = self.request_token(options).await;
        if let Some(lease) = lease {
            warn_store(self.store.unlock(&lock_key, &lease));
        }
        result
    }

    /// Waits for our turn to refresh among the processes sharing the store: the lease, or
    /// the token another process obtained meanwhile. A store that is not shared, or not
    /// reachable, makes this process refresh on its own (with a warning), never fail.
    async fn shared_turn(&self, lock_key: &str) -> Result<Turn, Error> {
        let deadline = Instant::now() + SHARED_LOCK_TTL + SHARED_POLL;
        loop {
            match self.store.try_lock(lock_key, SHARED_LOCK_TTL) {
                Ok(StoreLock::Acquired(lease)) => {
                    // Another process may have stored its token between our look and the lock.
                    if let Some(token) = self.adopt_stored()? {
                        warn_store(self.store.unlock(lock_key, &lease));
                        return Ok(Turn::Adopted(token));
                    }
                    return Ok(Turn::Ours(Some(lease)));
                }
                Ok(StoreLock::Unsupported) => return Ok(Turn::Ours(None)),
                Ok(StoreLock::Busy) => {}
                Err(error) => {
                    tracing::warn!(
                        error = %error,
                        "token store lock unavailable; refreshing in this process"
                    );
                    return Ok(Turn::Ours(None));
                }
            }
            if Instant::now() >= deadline {
                tracing::warn!(
                    "the process refreshing the shared token did not finish in time; refreshing here"
                );
                return Ok(Turn::Ours(None));
            }
            tokio::time::sleep(SHARED_POLL).await;
            if let Some(token) = self.adopt_stored()? {
                return Ok(Turn::Adopted(token));
            }
        }
    }

    /// The token request itself: the refresh grant, else the primary grant.
    async fn request_token(&self, options: &RequestOptions) -> Result<Secret, Error> {
        let refresh = self.lock()?.refresh.clone();
        if let Some(refresh) = refresh {
            match self
                .endpoint
                .token(Grant::RefreshToken(&refresh), options)
                .await
            {
                Ok(response) => return self.install(response, Some(refresh), None),
                Err(error) if refresh_token_dead(&error) => {
                    tracing::info!(
                        code = error.code().unwrap_or(""),
                        "refresh token rejected; falling back to the primary grant"
                    );
                    let mut state = self.lock()?;
                    state.refresh = None;
                    let key = state.key(&self.key_base);
                    warn_store(self.store.clear(&key));
                }
                Err(error) => return Err(error),
            }
        }
        let mode = self.lock()?.mode.clone();
        match mode {
            AuthMode::ClientCredentials => {
                let response = self
                    .endpoint
                    .token(Grant::ClientCredentials, options)
                    .await?;
                self.install(response, None, None)
            }
            AuthMode::Device { uuid } => Err(Error::new(
                ErrorKind::Authentication,
                format!(
                    "no device session for device {uuid:?}: authorise the device with \
                     device_authorize and device_poll"
                ),
            )
            .with_provider(self.endpoint.provider)
            .with_code("device_not_authorized")),
        }
    }

    /// Takes over a token from the store when it is not ours: on first use (a restart) or
    /// when another process sharing the store refreshed first.
    fn adopt_stored(&self) -> Result<Option<Secret>, Error> {
        let mut state = self.lock()?;
        let key = state.key(&self.key_base);
        let stored = match self.store.get(&key) {
            Ok(stored) => stored,
            Err(error) => {
                warn_store(Err(error));
                None
            }
        };
        let Some(stored) = stored else {
            return Ok(None);
        };
        let ours = state
            .current
            .as_ref()
            .is_some_and(|c| c.access == stored.access_token);
        let rejected = state.rejected.as_ref() == Some(&stored.access_token);
        if ours || rejected {
            return Ok(None);
        }
        if stored.refresh_token.is_some() {
            state.refresh = stored.refresh_token.clone();
        }
        let remaining = stored.expires_at.saturating_sub(unix_now());
        let remaining = Duration::from_secs(u64::try_from(remaining).unwrap_or(0));
        if remaining <= self.margin {
            return Ok(None);
        }
        let now = Instant::now();
        let expires_at = now + remaining;
        state.current = Some(Current {
            access: stored.access_token.clone(),
            expires_at,
            refresh_at: expires_at - self.margin,
            info: TokenInfo {
                token_type: stored.token_type.unwrap_or_else(|| "bearer".into()),
                scope: stored.scope,
                expires_in: remaining.as_secs(),
                has_refresh_token: state.refresh.is_some(),
            },
        });
        tracing::debug!("adopted a token from the token store");
        Ok(Some(stored.access_token))
    }

    /// Makes `response` the current token and stores it. `mode` switches the grant (after
    /// the device flow).
    fn install(
        &self,
        response: TokenResponse,
        previous_refresh: Option<Secret>,
        mode: Option<AuthMode>,
    ) -> Result<Secret, Error> {
        let lifetime = lifetime_of(&response);
        // Short-lived tokens still get half their life before we refresh.
        let margin = self.margin.min(lifetime / 2);
        let now = Instant::now();
        let mut state = self.lock()?;
        if let Some(mode) = mode {
            state.mode = mode;
        }
        // secuconnect keeps the refresh token for the whole session and sends none on refresh.
        let refresh = response.refresh_token.clone().or(previous_refresh);
        state.refresh = refresh.clone();
        let info = TokenInfo {
            token_type: response
                .token_type
                .clone()
                .unwrap_or_else(|| "bearer".into()),
            scope: response.scope.clone(),
            expires_in: lifetime.as_secs(),
            has_refresh_token: refresh.is_some(),
        };
        state.current = Some(Current {
            access: response.access_token.clone(),
            expires_at: now + lifetime,
            refresh_at: now + lifetime - margin,
            info,
        });
        let key = state.key(&self.key_base);
        let lifetime_secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        warn_store(self.store.put(
            &key,
            &StoredToken {
                access_token: response.access_token.clone(),
                refresh_token: refresh,
                expires_at: unix_now().saturating_add(lifetime_secs),
                token_type: response.token_type,
                scope: response.scope,
            },
        ));
        Ok(response.access_token)
    }

    /// Device flow step 1: registers `uuid` and returns the code to show to the user.
    pub async fn device_authorize(
        &self,
        uuid: &str,
        options: &RequestOptions,
    ) -> Result<DeviceAuthorization, Error> {
        check_uuid(uuid)?;
        self.endpoint.device_code(uuid, options).await
    }

    /// Device flow step 2, once: `Ok(None)` while the user has not approved yet. On approval
    /// the device session becomes this manager's token source.
    pub async fn device_poll_once(
        &self,
        authorization: &DeviceAuthorization,
        options: &RequestOptions,
    ) -> Result<Option<TokenInfo>, Error> {
        check_uuid(&authorization.uuid)?;
        let grant = Grant::DeviceToken {
            device_code: &authorization.device_code,
        };
        match self.endpoint.token(grant, options).await {
            Ok(response) => {
                // Install under the gate so it cannot interleave with a refresh.
                let _gate = self.gate.lock().await;
                let mode = AuthMode::Device {
                    uuid: authorization.uuid.clone(),
                };
                self.install(response, None, Some(mode))?;
                {
                    let mut state = self.lock()?;
                    state.rejected = None;
                    state.last_error = None;
                }
                Ok(self.token_info())
            }
            Err(error) if error.code() == Some(AUTHORIZATION_PENDING) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Device flow step 2: polls every `interval` seconds until the user approves (returns
    /// the session's token info), refuses, or the device code expires.
    pub async fn device_poll(
        &self,
        authorization: &DeviceAuthorization,
        options: &RequestOptions,
    ) -> Result<TokenInfo, Error> {
        let deadline = Instant::now() + Duration::from_secs(authorization.expires_in.max(1));
        let mut interval = Duration::from_secs(authorization.interval.max(1));
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::new(
                    ErrorKind::Authentication,
                    "the device code expired before the user approved it; call \
                     device_authorize again",
                )
                .with_provider(self.endpoint.provider)
                .with_code(EXPIRED_TOKEN)
                .with_retryable(Retryable::Later));
            }
            // Wait first: the user cannot have approved yet when we just showed the code.
            tokio::time::sleep(interval.min(deadline - now)).await;
            match self.device_poll_once(authorization, options).await {
                Ok(Some(info)) => return Ok(info),
                Ok(None) => {}
                Err(error) if error.code() == Some(SLOW_DOWN) => {
                    interval += Duration::from_secs(5);
                }
                Err(error) => return Err(error),
            }
        }
    }
}

fn check_uuid(uuid: &str) -> Result<(), Error> {
    crate::validate::length("uuid", uuid, 1, 255)
}

/// The refresh token itself is unusable (as opposed to a transient failure, after which
/// the refresh token must be kept).
fn refresh_token_dead(error: &Error) -> bool {
    matches!(error.code(), Some(INVALID_GRANT) | Some("invalid_token"))
}

fn warn_store(result: Result<(), Error>) {
    if let Err(error) = result {
        tracing::warn!(error = %error, "token store failed; continuing without it");
    }
}
