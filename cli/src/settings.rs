//! Settings: explicit flags > environment variables > the profile in the config file.
//!
//! The config file (`$PAYWIRE_CONFIG`, `--config`, else `$XDG_CONFIG_HOME/paywire/config.toml`,
//! else `~/.config/paywire/config.toml`) holds one table per profile. Keys are the environment
//! variable names in lower case:
//!
//! ```toml
//! [default]                      # used when no --profile / PAYWIRE_PROFILE is given
//! saferpay_customer_id = "123456"
//! saferpay_username = "API_123456_17757531"
//! saferpay_password = "..."
//! saferpay_terminal_id = "17757531"
//! saferpay_environment = "test"
//!
//! [live]
//! saferpay_environment = "live"
//! ```
//!
//! Secret values are never printed: not in output, errors or `--help`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use paywire::{saferpay, secuconnect, sekurepay};

use crate::exit::{CliError, CliResult};

/// One known setting.
pub struct Key {
    pub env: &'static str,
    pub secret: bool,
    pub help: &'static str,
}

/// Every setting the CLI understands, by environment variable name.
pub const KEYS: &[Key] = &[
    Key {
        env: "SAFERPAY_CUSTOMER_ID",
        secret: false,
        help: "Saferpay customer id",
    },
    Key {
        env: "SAFERPAY_TERMINAL_ID",
        secret: false,
        help: "default Saferpay terminal (8 digits)",
    },
    Key {
        env: "SAFERPAY_USERNAME",
        secret: false,
        help: "Saferpay API user name",
    },
    Key {
        env: "SAFERPAY_PASSWORD",
        secret: true,
        help: "Saferpay API password",
    },
    Key {
        env: "SAFERPAY_ENVIRONMENT",
        secret: false,
        help: "test or live",
    },
    Key {
        env: "SAFERPAY_BASE_URL",
        secret: false,
        help: "overrides the environment (e.g. the sandbox)",
    },
    Key {
        env: "SECUCONNECT_CLIENT_ID",
        secret: false,
        help: "secuconnect OAuth client id",
    },
    Key {
        env: "SECUCONNECT_CLIENT_SECRET",
        secret: true,
        help: "secuconnect OAuth client secret",
    },
    Key {
        env: "SECUCONNECT_ENVIRONMENT",
        secret: false,
        help: "testing or live",
    },
    Key {
        env: "SECUCONNECT_BASE_URL",
        secret: false,
        help: "overrides the environment",
    },
    Key {
        env: "SECUCONNECT_CONTRACT_ID",
        secret: false,
        help: "default secuconnect contract",
    },
    Key {
        env: "PAYWIRE_TOKEN_STORE",
        // A redis:// URL may carry the Redis password.
        secret: true,
        help: "shared token store: memory, file:///dir or redis://host:port",
    },
    Key {
        env: "SEKUREPAY_API_KEY",
        secret: true,
        help: "SekurePay API key",
    },
    Key {
        env: "SEKUREPAY_BASE_URL",
        secret: false,
        help: "SekurePay base URL",
    },
];

fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.env.eq_ignore_ascii_case(name))
}

/// Where a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    Profile,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "flag",
            Source::Env => "env",
            Source::Profile => "profile",
        })
    }
}

/// The resolved settings. Debug never shows values.
pub struct Settings {
    values: BTreeMap<&'static str, (String, Source)>,
    /// The profile in use, if any.
    pub profile: Option<String>,
    pub config_path: Option<PathBuf>,
    /// Whether the config file exists.
    pub config_found: bool,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .field("profile", &self.profile)
            .field("config_path", &self.config_path)
            .finish()
    }
}

/// The default config file location.
pub fn default_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir).join("paywire").join("config.toml"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|home| {
            PathBuf::from(home)
                .join(".config")
                .join("paywire")
                .join("config.toml")
        })
}

impl Settings {
    /// Loads settings. `profile` comes from `--profile` or `PAYWIRE_PROFILE`; `config` from
    /// `--config` or `PAYWIRE_CONFIG`. `flags` are explicit command-line values.
    pub fn load(
        config: Option<&Path>,
        profile: Option<&str>,
        flags: &[(&'static str, Option<String>)],
    ) -> CliResult<Settings> {
        let config_path = config.map(Path::to_path_buf).or_else(default_config_path);
        let explicit_config = config.is_some();
        let mut values = BTreeMap::new();
        let mut config_found = false;
        let mut used_profile = None;

        if let Some(path) = &config_path {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    config_found = true;
                    let table = parse_config(path, &text)?;
                    let name = profile.unwrap_or("default");
                    match table.get(name) {
                        Some(section) => {
                            warn_if_readable_by_others(path, section);
                            for (k, v) in section {
                                values.insert(k.env, (v.clone(), Source::Profile));
                            }
                            used_profile = Some(name.to_owned());
                        }
                        None if profile.is_some() => {
                            let known: Vec<&str> = table.keys().map(String::as_str).collect();
                            return Err(CliError::Config(format!(
                                "profile {name:?} not found in {} (profiles there: {})",
                                path.display(),
                                if known.is_empty() {
                                    "none".to_owned()
                                } else {
                                    known.join(", ")
                                }
                            )));
                        }
                        None => {}
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if explicit_config {
                        return Err(CliError::Config(format!(
                            "config file {} does not exist",
                            path.display()
                        )));
                    }
                    if let Some(name) = profile {
                        return Err(CliError::Config(format!(
                            "profile {name:?} requested but there is no config file at {}",
                            path.display()
                        )));
                    }
                }
                Err(e) => {
                    return Err(CliError::Config(format!(
                        "cannot read config file {}: {e}",
                        path.display()
                    )));
                }
            }
        } else if let Some(name) = profile {
            return Err(CliError::Config(format!(
                "profile {name:?} requested but no config file location is known (set HOME, XDG_CONFIG_HOME or PAYWIRE_CONFIG)"
            )));
        }

        for k in KEYS {
            if let Some(value) = std::env::var(k.env).ok().filter(|v| !v.trim().is_empty()) {
                values.insert(k.env, (value, Source::Env));
            }
        }
        for (name, value) in flags {
            if let (Some(k), Some(value)) = (key(name), value) {
                values.insert(k.env, (value.clone(), Source::Flag));
            }
        }
        Ok(Settings {
            values,
            profile: used_profile,
            config_path,
            config_found,
        })
    }

    pub fn get(&self, env: &str) -> Option<&str> {
        self.values.get(env).map(|(v, _)| v.as_str())
    }

    pub fn source(&self, env: &str) -> Option<Source> {
        self.values.get(env).map(|(_, s)| *s)
    }

    fn require(&self, env: &'static str) -> CliResult<&str> {
        self.get(env).ok_or_else(|| {
            let lower = env.to_ascii_lowercase();
            let place = match (&self.config_path, &self.profile) {
                (Some(path), Some(profile)) => {
                    format!(
                        "`{lower} = \"...\"` to profile [{profile}] in {}",
                        path.display()
                    )
                }
                (Some(path), None) => {
                    format!("`{lower} = \"...\"` to a profile in {}", path.display())
                }
                _ => "it to a config profile".to_owned(),
            };
            CliError::Config(format!("{env} is not set: export {env}=... or add {place}"))
        })
    }

    /// A Saferpay client from these settings.
    pub fn saferpay_client(&self) -> CliResult<saferpay::Client> {
        let mut builder = saferpay::Client::builder()
            .customer_id(self.require("SAFERPAY_CUSTOMER_ID")?)
            .username(self.require("SAFERPAY_USERNAME")?)
            .password(self.require("SAFERPAY_PASSWORD")?.to_owned());
        if let Some(terminal) = self.get("SAFERPAY_TERMINAL_ID") {
            builder = builder.terminal_id(terminal);
        }
        if let Some(environment) = self.get("SAFERPAY_ENVIRONMENT") {
            let environment = saferpay::Environment::parse(environment).map_err(|_| {
                CliError::Config(format!(
                    "SAFERPAY_ENVIRONMENT must be \"test\" or \"live\" (got {environment:?})"
                ))
            })?;
            builder = builder.environment(environment);
        }
        if let Some(url) = self.get("SAFERPAY_BASE_URL") {
            builder = builder.base_url(url);
        }
        if let Some(store) = self.get("PAYWIRE_TOKEN_STORE") {
            builder = builder.token_store_url(store);
        }
        builder.build().map_err(|e| invalid_settings("Saferpay", e))
    }

    /// A secuconnect client from these settings.
    pub fn secuconnect_client(&self) -> CliResult<secuconnect::Client> {
        let mut builder = secuconnect::Client::builder()
            .client_id(self.require("SECUCONNECT_CLIENT_ID")?)
            .client_secret(self.require("SECUCONNECT_CLIENT_SECRET")?.to_owned());
        if let Some(environment) = self.get("SECUCONNECT_ENVIRONMENT") {
            let environment = secuconnect::Environment::parse(environment).map_err(|_| {
                CliError::Config(format!(
                    "SECUCONNECT_ENVIRONMENT must be \"testing\", \"showcase\" or \"live\" (got {environment:?})"
                ))
            })?;
            builder = builder.environment(environment);
        }
        if let Some(url) = self.get("SECUCONNECT_BASE_URL") {
            builder = builder.base_url(url);
        }
        if let Some(contract) = self.get("SECUCONNECT_CONTRACT_ID") {
            builder = builder.contract_id(contract);
        }
        if let Some(store) = self.get("PAYWIRE_TOKEN_STORE") {
            builder = builder.token_store_url(store);
        }
        builder
            .build()
            .map_err(|e| invalid_settings("secuconnect", e))
    }

    /// A SekurePay client from these settings.
    pub fn sekurepay_client(&self) -> CliResult<sekurepay::Client> {
        let mut builder =
            sekurepay::Client::builder().api_key(self.require("SEKUREPAY_API_KEY")?.to_owned());
        if let Some(url) = self.get("SEKUREPAY_BASE_URL") {
            builder = builder.base_url(url);
        }
        builder
            .build()
            .map_err(|e| invalid_settings("SekurePay", e))
    }

    /// Rows for `paywire config show`: (key, shown value, source).
    pub fn describe(&self) -> Vec<(&'static Key, Option<String>, Option<Source>)> {
        KEYS.iter()
            .map(|k| {
                let shown = self.get(k.env).map(|v| {
                    if k.secret {
                        format!("(set, {} characters hidden)", v.chars().count())
                    } else {
                        v.to_owned()
                    }
                });
                (k, shown, self.source(k.env))
            })
            .collect()
    }
}

/// Invalid settings are a configuration problem of this machine, not bad input.
fn invalid_settings(provider: &str, e: paywire::Error) -> CliError {
    match e.kind() {
        paywire::ErrorKind::Validation | paywire::ErrorKind::Configuration => {
            CliError::Config(format!("invalid {provider} settings: {}", e.message()))
        }
        _ => CliError::Paywire(e),
    }
}

type Profiles = BTreeMap<String, Vec<(&'static Key, String)>>;

fn parse_config(path: &Path, text: &str) -> CliResult<Profiles> {
    // toml's error text quotes the offending line, which could hold a secret: keep only the
    // position.
    let doc: toml::Table = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let line = text
                    .get(..span.start)
                    .map_or(0, |s| s.lines().count().max(1));
                format!(" near line {line}")
            })
            .unwrap_or_default();
        CliError::Config(format!("{} is not valid TOML{at}", path.display()))
    })?;
    let mut profiles = Profiles::new();
    for (name, section) in doc {
        let toml::Value::Table(section) = section else {
            return Err(CliError::Config(format!(
                "{}: top-level key {name:?} must be a [profile] table",
                path.display()
            )));
        };
        let mut entries = Vec::new();
        for (k, v) in section {
            let Some(known) = key(&k) else {
                let names: Vec<String> = KEYS.iter().map(|k| k.env.to_ascii_lowercase()).collect();
                return Err(CliError::Config(format!(
                    "{}: unknown setting {k:?} in profile [{name}] (known: {})",
                    path.display(),
                    names.join(", ")
                )));
            };
            let value = match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                _ => {
                    return Err(CliError::Config(format!(
                        "{}: setting {k:?} in profile [{name}] must be a string",
                        path.display()
                    )));
                }
            };
            entries.push((known, value));
        }
        profiles.insert(name, entries);
    }
    Ok(profiles)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path, section: &[(&'static Key, String)]) {
    use std::os::unix::fs::PermissionsExt as _;
    if !section.iter().any(|(k, _)| k.secret) {
        return;
    }
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "warning: {} holds secrets but is readable by other users; run `chmod 600 {}`",
            path.display(),
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path, _section: &[(&'static Key, String)]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_hides_the_line() {
        let text = "[default]\nsaferpay_password = \"hunter2\nx";
        let err = parse_config(Path::new("c.toml"), text)
            .err()
            .map(|e| e.message());
        let message = err.unwrap_or_default();
        assert!(message.contains("not valid TOML"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = parse_config(Path::new("c.toml"), "[default]\nsaferpay_pasword = \"x\"\n");
        assert!(matches!(err, Err(CliError::Config(m)) if m.contains("saferpay_pasword")));
    }

    #[test]
    fn keys_match_case_insensitively_and_accept_integers() {
        let profiles = parse_config(Path::new("c.toml"), "[p]\nSAFERPAY_CUSTOMER_ID = 123456\n")
            .unwrap_or_default();
        let entries = profiles.get("p").cloned().unwrap_or_default();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0.env, "SAFERPAY_CUSTOMER_ID");
        assert_eq!(entries[0].1, "123456");
    }
}
