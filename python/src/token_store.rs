//! A token store of the user's own: any Python object with `get(key)`, `put(key, token)` and
//! `clear(key)`, where `token` is a dict (`access_token`, `refresh_token`, `expires_at`,
//! `token_type`, `scope`). Only conversions: when and how the store is used is the core's
//! (`paywire::oauth::TokenStore`), including that a failing store is a warning, never a failed
//! call. The exception text is not kept (it could quote a token), only its type.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use paywire::Secret;
use paywire::oauth::{StoredToken, TokenStore};

pub struct PyTokenStore {
    object: Py<PyAny>,
}

impl PyTokenStore {
    pub fn new(object: Py<PyAny>) -> PyTokenStore {
        PyTokenStore { object }
    }
}

fn failed(py: Python<'_>, method: &str, error: &PyErr) -> paywire::Error {
    let kind = error
        .get_type(py)
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "Exception".to_owned());
    paywire::Error::configuration(format!("token_store.{method}() raised {kind}"))
}

fn token_from(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Option<StoredToken>> {
    if value.is_none() {
        return Ok(None);
    }
    let get = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        let item = value.get_item(name).ok().filter(|v| !v.is_none());
        Ok(item)
    };
    let Some(access) = get("access_token")? else {
        return Ok(None);
    };
    let _ = py;
    Ok(Some(StoredToken {
        access_token: Secret::new(access.extract::<String>()?),
        refresh_token: get("refresh_token")?
            .map(|v| v.extract::<String>())
            .transpose()?
            .filter(|t| !t.is_empty())
            .map(Secret::new),
        expires_at: get("expires_at")?
            .map(|v| v.extract::<i64>())
            .transpose()?
            .unwrap_or(0),
        token_type: get("token_type")?.map(|v| v.extract()).transpose()?,
        scope: get("scope")?.map(|v| v.extract()).transpose()?,
    }))
}

impl TokenStore for PyTokenStore {
    fn get(&self, key: &str) -> Result<Option<StoredToken>, paywire::Error> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method1("get", (key,))
                .map_err(|e| failed(py, "get", &e))?;
            token_from(py, &value).map_err(|e| failed(py, "get", &e))
        })
    }

    fn put(&self, key: &str, token: &StoredToken) -> Result<(), paywire::Error> {
        Python::attach(|py| {
            let put = || -> PyResult<()> {
                let dict = PyDict::new(py);
                dict.set_item("access_token", token.access_token.expose())?;
                dict.set_item(
                    "refresh_token",
                    token.refresh_token.as_ref().map(Secret::expose),
                )?;
                dict.set_item("expires_at", token.expires_at)?;
                dict.set_item("token_type", token.token_type.as_deref())?;
                dict.set_item("scope", token.scope.as_deref())?;
                self.object.bind(py).call_method1("put", (key, dict))?;
                Ok(())
            };
            put().map_err(|e| failed(py, "put", &e))
        })
    }

    fn clear(&self, key: &str) -> Result<(), paywire::Error> {
        Python::attach(|py| {
            self.object
                .bind(py)
                .call_method1("clear", (key,))
                .map(|_| ())
                .map_err(|e| failed(py, "clear", &e))
        })
    }
}
