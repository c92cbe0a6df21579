//! The rule for every base URL (the S3 service URL, Platform's and IMS's): `https://` with a host,
//! or `http://` to this computer only; never a link-local address, credentials, query or fragment.

use url::{Host, Url};

use super::{Field, FieldError, fail, has_whitespace};

/// Checks an S3 service URL: `https://` with a host, or `http://` to this computer only.
pub fn service_url(v: &str) -> Result<(), FieldError> {
    http_url(Field::ServiceUrl, v, "https://s3.us-east-1.amazonaws.com")
}

/// Checks a Platform or IMS base URL with the same rule as [`service_url`].
pub fn base_url(field: Field, v: &str) -> Result<(), FieldError> {
    let example = match field {
        Field::ImsUrl => crate::model::DEFAULT_IMS_URL,
        Field::ServiceUrl => "https://s3.us-east-1.amazonaws.com",
        _ => crate::model::DEFAULT_PLATFORM_URL,
    };
    http_url(field, v, example)
}

fn http_url(f: Field, v: &str, example: &str) -> Result<(), FieldError> {
    if v.is_empty() {
        return fail(f, format!("must not be empty (for example {example})"));
    }
    if has_whitespace(v) {
        return fail(f, "must not contain spaces");
    }
    // The url crate's messages ("relative URL without a base", "invalid port number") never
    // repeat the input, so they are safe to show even if a secret was pasted here by mistake.
    let url = match Url::parse(v) {
        Ok(url) => url,
        Err(e) => {
            return fail(f, format!("must be an absolute URL like {example} ({e})"));
        }
    };
    let loopback = match url.host() {
        Some(Host::Domain(d)) => is_loopback_host(d),
        Some(Host::Ipv4(a)) => a.is_loopback(),
        Some(Host::Ipv6(a)) => is_loopback_host(&a.to_string()),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return fail(
                f,
                "must use https:// (plain http:// is allowed only for this computer: localhost, 127.0.0.1 or ::1)",
            );
        }
        _ => return fail(f, format!("must start with https://, like {example}")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return fail(f, "must include a host name");
    }
    let link_local = match url.host() {
        Some(Host::Ipv4(a)) => a.is_link_local(),
        Some(Host::Ipv6(a)) => {
            (a.segments()[0] & 0xffc0) == 0xfe80
                || a == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
        }
        _ => false,
    };
    if link_local {
        return fail(
            f,
            "must not be a link-local address such as 169.254.169.254 (a cloud instance's metadata service, never an S3 or Adobe endpoint)",
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail(f, "must not contain a user name or password");
    }
    if url.query().is_some() {
        return fail(f, "must not have a query (the part after ?)");
    }
    if url.fragment().is_some() {
        return fail(f, "must not have a fragment (the part after #)");
    }
    Ok(())
}

pub use crate::model::is_loopback_host;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tests::rule;

    #[test]
    fn service_url_rules() {
        for ok in [
            "https://s3.us-east-1.amazonaws.com",
            "https://s3.eu-west-1.amazonaws.com/",
            "https://minio.example.com:9000",
            "http://localhost:9000",
            "http://127.0.0.1:4566",
            "http://127.8.9.10",
            "http://[::1]:9000",
        ] {
            assert!(service_url(ok).is_ok(), "{ok}");
        }
        let cases = [
            ("", "must not be empty"),
            ("s3.amazonaws.com", "absolute URL"),
            ("http://s3.amazonaws.com", "must use https://"),
            ("http://localhost.example.com", "must use https://"),
            ("ftp://s3.amazonaws.com", "must start with https://"),
            ("https://user:pw@s3.amazonaws.com", "user name or password"),
            ("https://s3.amazonaws.com/?x=1", "query"),
            ("https://s3.amazonaws.com/#top", "fragment"),
            ("https://s3 .amazonaws.com", "spaces"),
            ("https://", "absolute URL"),
            ("file:///etc/passwd", "must start with https://"),
        ];
        for (url, want) in cases {
            let got = rule(service_url(url));
            assert!(got.contains(want), "{url}: {got}");
        }
        let e = service_url("https://AKIA:s3cr3t@host").unwrap_err();
        assert!(!e.to_string().contains("s3cr3t"));
    }

    #[test]
    fn base_url_uses_the_given_field() {
        assert!(base_url(Field::PlatformUrl, "https://platform.adobe.io").is_ok());
        assert!(base_url(Field::ImsUrl, "http://127.0.0.1:8080").is_ok());
        let e = base_url(Field::ImsUrl, "http://ims.example.com").unwrap_err();
        assert_eq!(e.field, Field::ImsUrl);
        assert!(e.to_string().starts_with("IMS URL: must use https://"));
    }

    #[test]
    fn loopback_hosts() {
        for yes in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "127.0.0.1",
            "127.255.0.9",
            "::1",
            "[::1]",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in [
            "",
            "example.com",
            "evil.localhost",
            "localhost.example.com",
            "128.0.0.1",
            "10.0.0.1",
            "::2",
            "0.0.0.0",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }
}
