//! OAuth 2.0 for secuconnect: grants, a single-flight token manager, token stores.
