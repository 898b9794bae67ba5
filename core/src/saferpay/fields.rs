//! Saferpay Fields access tokens, restricted to a terminal and a set of shop URLs.

use http::Method;
use serde::Deserialize;
use serde_json::json;

use super::Client;
use super::management::{ManagementCall, segment, typed};
use crate::error::Error;
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
            let raw = client
                .management(ManagementCall {
                    operation: "saferpay.fields_tokens.create",
                    method: Method::POST,
                    path: format!("/terminals/{terminal_id}/fields-access-tokens"),
                    query: Vec::new(),
                    body: Some(body),
                    since: "1.21",
                })
                .await?;
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
            client
                .management(ManagementCall {
                    operation: "saferpay.fields_tokens.delete",
                    method: Method::DELETE,
                    path,
                    query: Vec::new(),
                    body: None,
                    since: "1.44",
                })
                .await?;
            Ok(())
        })
        .await
    }
}
