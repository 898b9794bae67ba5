//! Saferpay Fields access tokens, restricted to a terminal and a set of shop URLs.

use http::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Client;
use super::management::{ManagementCall, segment, typed};
use crate::error::{Error, ErrorKind};
use crate::http::Safety;
use crate::validate;

#[derive(Deserialize)]
struct WireToken {
    #[serde(rename = "AccessToken")]
    access_token: String,
}

impl Client {
    /// Creates an access token for Saferpay Fields on the given shop pages (https only).
    pub async fn create_fields_access_token(
        &self,
        description: &str,
        source_urls: &[String],
        terminal_id: Option<&str>,
    ) -> Result<String, Error> {
        let terminal_id = self.resolve_terminal(terminal_id)?;
        validate::length("description", description, 1, 128)?;
        if source_urls.is_empty() {
            return Err(Error::validation(
                "source_urls",
                "must list at least one https URL",
            ));
        }
        for (i, url) in source_urls.iter().enumerate() {
            validate::url(&format!("source_urls[{i}]"), url, true, 2000)?;
        }
        let body = json!({"SourceUrls": source_urls, "Description": description});
        self.spawn(move |client| async move {
            let mut call = ManagementCall::new(
                "saferpay.fields_tokens.create",
                Method::POST,
                format!("/terminals/{terminal_id}/fields-access-tokens"),
                "1.21",
            );
            call.body = Some(body);
            // Harmless to repeat: a token whose answer was lost is known to nobody, grants
            // nothing and moves no money; the caller's next step would be to create one anyway.
            call.safety = Safety::Idempotent;
            let raw = client.management(call).await?;
            Ok(typed::<WireToken>(&raw)?.access_token)
        })
        .await
    }

    /// Deletes a Fields access token.
    pub async fn delete_fields_access_token(
        &self,
        access_token: &str,
        terminal_id: Option<&str>,
    ) -> Result<(), Error> {
        let terminal_id = self.resolve_terminal(terminal_id)?;
        validate::length("access_token", access_token, 1, 100)?;
        let path = format!(
            "/terminals/{terminal_id}/fields-access-tokens/{}",
            segment(access_token)
        );
        self.spawn(move |client| async move {
            let mut call = ManagementCall::new(
                "saferpay.fields_tokens.delete",
                Method::DELETE,
                path,
                "1.44",
            );
            // A repeated delete finds nothing: after an attempt that may have deleted it,
            // "not found" means done.
            call.already_done = Some(|e| e.kind() == ErrorKind::NotFound);
            client
                .management_with(call, Some(|| async { Ok(Some(Value::Null)) }))
                .await?;
            Ok(())
        })
        .await
    }
}
