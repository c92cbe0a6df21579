//! The plain-language hints for the answers whose cause is known, and how a wait is worded.

use std::time::Duration;

/// A wait as people read it: `45 s`, `600 s (10 min)`, `90 s (about 2 min)`, `7200 s (2 h)`.
pub fn describe_wait(wait: Duration) -> String {
    let secs = wait.as_secs().max(u64::from(wait.subsec_nanos() > 0));
    let (unit, name) = match secs {
        0..60 => return format!("{secs} s"),
        60..3600 => (60, "min"),
        _ => (3600, "h"),
    };
    if secs % unit == 0 {
        format!("{secs} s ({} {name})", secs / unit)
    } else {
        format!("{secs} s (about {} {name})", secs.div_ceil(unit))
    }
}

/// The number inside a Flow code: `FLOW-2100-404` → `2100`.
fn flow_number(code: &str) -> Option<&str> {
    let rest = code
        .strip_prefix("FLOW-")
        .or_else(|| code.strip_prefix("CONNECTOR-"))?;
    rest.split('-').next()
}

/// The hint of an error response: a 429 that says how long to wait says so (the client waits
/// only up to `max_retry_after`, so a longer wait is the user's to do), else [`hint_for`].
pub fn response_hint(
    status: u16,
    code: Option<&str>,
    retry_after: Option<Duration>,
) -> Option<String> {
    match retry_after.filter(|wait| status == 429 && !wait.is_zero()) {
        Some(wait) => Some(format!(
            "Too many requests: Adobe asks to wait {} before trying again.",
            describe_wait(wait)
        )),
        None => hint_for(status, code),
    }
}

/// The plain-language hint for the codes whose cause is known.
pub fn hint_for(status: u16, code: Option<&str>) -> Option<String> {
    let known = code.and_then(|code| {
        let hint = match flow_number(code).unwrap_or(code) {
            "403010" => "No access token was sent. Set up the profile's client secret or AEP_ACCESS_TOKEN.",
            "401013" => "The access token is invalid or expired. Run `aep-s3-connect token` for a new one; if you set AEP_ACCESS_TOKEN, paste a fresh token.",
            "403000" => "The x-api-key header is missing: the profile needs a client ID.",
            "403003" => "The API key is not valid for this token: the client ID must belong to the same Developer Console credential that issued the token.",
            "400003" | "2001" | "2002" => "The IMS organisation header is missing or empty: set the profile's org ID (…@AdobeOrg).",
            "403025" => "The credential is not entitled in this organisation: check the org ID, and that the Developer Console project has the Experience Platform API with a product profile.",
            "403027" => "The credential has no user region: add an Experience Platform product profile to the credential in the Developer Console.",
            "429050" => "Adobe is throttling this credential. Wait a moment and try again.",
            "2100" => "The sandbox does not exist in this organisation (or the credential cannot see it). Check the sandbox name: it is all lowercase, e.g. `prod`.",
            "2105" => "The sandbox name is missing: set it on the profile or with --sandbox.",
            "2118" => "The credential lacks a permission in this sandbox: its product profile needs the Sources permissions (View Sources, Manage Sources) for this sandbox.",
            "1301" | "1302" => "Flow Service does not support this auth spec for Amazon S3; use \"Access Key\".",
            "1304" => "A mandatory field is missing from the request.",
            "1403" => "The update needs the connection's etag (If-Match).",
            "1404" => "Someone changed the connection since you read it: fetch it again for the new etag, then retry.",
            "1414" => "The connection spec of a connection cannot be changed.",
            "1418" => "The connection is used by a dataflow: delete or update the dataflow first.",
            "1439" => "The connection was not found in this sandbox.",
            "invalid_client" => "IMS rejected the client ID or client secret: copy them again from the Developer Console (project > OAuth Server-to-Server credential).",
            "invalid_scope" => "IMS rejected the scopes: use the ones the Developer Console lists for the credential.",
            "unsupported_grant_type" => "IMS expects grant_type=client_credentials (OAuth Server-to-Server).",
            "BadRequestError" => "The request was malformed (this is a bug in aep-s3-connect: please report it with the request ID).",
            _ => return None,
        };
        Some(hint.to_owned())
    });
    known.or_else(|| match status {
        401 => Some("Not authenticated: get a new token (`aep-s3-connect token`).".to_owned()),
        403 => Some("Not allowed: check the credential's product profile and permissions.".to_owned()),
        429 => Some("Too many requests: wait a moment and try again.".to_owned()),
        500..=599 => Some(
            "Adobe's service (or a gateway in front of it) failed. Try again later; if it persists, give Adobe support the request ID."
                .to_owned(),
        ),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiError, ClientError};

    /// Regression: a 429 whose Retry-After is longer than the client waits said only
    /// "wait a moment"; it must say how long Adobe asks for.
    #[test]
    fn too_many_requests_says_how_long_to_wait() {
        let throttled = |wait| {
            ApiError::from_response(
                429,
                br#"{"error_code": "429050", "message": "Too many requests"}"#,
                None,
                Some(Duration::from_secs(wait)),
            )
        };
        let e = throttled(600);
        let hint = e.hint.as_deref().unwrap_or_default();
        assert!(
            hint.contains("Adobe asks to wait 600 s (10 min) before trying again"),
            "{hint}"
        );
        assert!(e.to_string().contains("600 s (10 min)"), "{e}");
        assert!(
            ClientError::Api(Box::new(throttled(5)))
                .hint()
                .unwrap_or_default()
                .contains("wait 5 s")
        );
        // Without Retry-After the code's own hint stays.
        let e = ApiError::from_response(429, br#"{"error_code": "429050"}"#, None, None);
        assert!(e.hint.unwrap_or_default().contains("throttling"));
    }

    #[test]
    fn waits_read_as_people_say_them() {
        let d = Duration::from_secs;
        assert_eq!(describe_wait(d(0)), "0 s");
        assert_eq!(describe_wait(Duration::from_millis(300)), "1 s");
        assert_eq!(describe_wait(d(59)), "59 s");
        assert_eq!(describe_wait(d(60)), "60 s (1 min)");
        assert_eq!(describe_wait(d(90)), "90 s (about 2 min)");
        assert_eq!(describe_wait(d(600)), "600 s (10 min)");
        assert_eq!(describe_wait(d(7200)), "7200 s (2 h)");
        assert_eq!(describe_wait(d(5400)), "5400 s (about 2 h)");
        assert_eq!(
            describe_wait(d(u64::MAX)),
            format!("{} s (about {} h)", u64::MAX, u64::MAX.div_ceil(3600))
        );
    }
}
