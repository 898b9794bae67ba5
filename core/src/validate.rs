//! Client-side checks of documented limits. Every failure names the field, before any I/O.

use crate::error::Error;

/// Length in characters within `min..=max`.
pub(crate) fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let count = value.chars().count();
    if count < min || count > max {
        return Err(Error::validation(
            field,
            if min == max {
                format!("must be exactly {min} characters (got {count})")
            } else if count < min {
                format!("must not be shorter than {min} characters (got {count})")
            } else {
                format!("must not be longer than {max} characters (got {count})")
            },
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Saferpay `Id`: `A-Za-z0-9.:-_`.
pub(crate) fn id(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    length(field, value, min, max)?;
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_')))
    {
        return Err(Error::validation(
            field,
            format!("may contain only letters, digits and . : - _ (found {bad:?})"),
        ));
    }
    Ok(())
}

/// Digits only.
pub(crate) fn numeric(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    length(field, value, min, max)?;
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(field, "may contain only digits"));
    }
    Ok(())
}

/// ASCII letters and digits only.
pub(crate) fn alphanumeric(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    length(field, value, min, max)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::validation(
            field,
            "may contain only letters and digits",
        ));
    }
    Ok(())
}

/// ISO-8859-15 text (Saferpay `Iso885915`): Latin-1 plus the euro sign and a few letters.
pub(crate) fn iso_8859_15(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    length(field, value, min, max)?;
    if let Some(bad) = value.chars().find(|c| {
        let code = u32::from(*c);
        !(code < 0x100 || matches!(*c, '€' | 'Š' | 'š' | 'Ž' | 'ž' | 'Œ' | 'œ' | 'Ÿ'))
    }) {
        return Err(Error::validation(
            field,
            format!("must be ISO-8859-15 text (found {bad:?})"),
        ));
    }
    Ok(())
}

/// An absolute URL; `https_only` refuses anything but https.
pub(crate) fn url(
    field: &str,
    value: &str,
    https_only: bool,
    max: usize,
) -> Result<url::Url, Error> {
    length(field, value, 1, max)?;
    let parsed = url::Url::parse(value)
        .map_err(|e| Error::validation(field, format!("is not an absolute URL ({e})")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if !https_only => {}
        other => {
            return Err(Error::validation(
                field,
                if https_only {
                    format!("must be an https URL (got {other}:)")
                } else {
                    format!("must be an http or https URL (got {other}:)")
                },
            ));
        }
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::validation(field, "URL has no host"));
    }
    Ok(parsed)
}

/// An e-mail address, checked loosely (one @, something on each side, no spaces).
pub(crate) fn email(field: &str, value: &str) -> Result<(), Error> {
    length(field, value, 3, 254)?;
    let ok = matches!(value.split_once('@'), Some((local, domain))
        if !local.is_empty() && domain.contains('.') && !domain.contains('@'))
        && !value.chars().any(char::is_whitespace);
    if !ok {
        return Err(Error::validation(field, "is not an e-mail address"));
    }
    Ok(())
}

/// ISO 3166-1 alpha-2 country code (upper case).
pub(crate) fn country_code(field: &str, value: &str) -> Result<(), Error> {
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::validation(
            field,
            "must be an ISO 3166-1 alpha-2 country code such as CH",
        ));
    }
    Ok(())
}

/// A value from a closed set.
pub(crate) fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), Error> {
    if !allowed.contains(&value) {
        return Err(Error::validation(
            field,
            format!("must be one of {} (got {value:?})", allowed.join(", ")),
        ));
    }
    Ok(())
}

/// `yyyy-MM-dd`.
pub(crate) fn date(field: &str, value: &str) -> Result<chrono::NaiveDate, Error> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| Error::validation(field, format!("must be a date YYYY-MM-DD (got {value:?})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field() {
        assert_eq!(
            id("OrderId", "a b", 1, 80).unwrap_err().field(),
            Some("OrderId")
        );
        assert!(id("OrderId", "abc-1.2:3_4", 1, 80).is_ok());
        assert!(length("Description", &"x".repeat(101), 1, 100).is_err());
        assert!(length("Description", "", 1, 100).is_err());
        assert!(url("SourceUrls", "http://shop.example/", true, 2000).is_err());
        assert!(url("SourceUrls", "https://shop.example/", true, 2000).is_ok());
        assert!(email("Email", "a@b.ch").is_ok());
        assert!(email("Email", "ab.ch").is_err());
        assert!(iso_8859_15("ShopInfo", "Zürich €", 1, 100).is_ok());
        assert!(iso_8859_15("ShopInfo", "東京", 1, 100).is_err());
    }
}
