//! "Copy as cURL": the create request as a shell command that runs as pasted and never leaks.
//!
//! Secrets never appear in the command. The access token, the AWS secret key and the session
//! token are written as `${VAR:?message}` references, so the shell fills them in from the
//! environment and stops with a message naming the variable when one is unset. Everything else
//! comes from data the user typed (names, descriptions, paths, org IDs), so it is escaped for the
//! place it lands: single quotes for arguments, backslash escapes inside the heredoc body.

use serde_json::Value;

use crate::api::flow::{FLOW_PATH, redacted_create_body};
use crate::model::S3ConnectionInput;
use crate::secret::Secret;
use crate::store::history::Attempt;

/// Environment reference for the IMS access token.
const ACCESS_TOKEN_REF: &str =
    "${AEP_ACCESS_TOKEN:?set AEP_ACCESS_TOKEN to an Adobe IMS access token}";
/// Environment reference for the client ID, used when the caller does not know it.
const CLIENT_ID_REF: &str = "${AEP_CLIENT_ID:?set AEP_CLIENT_ID to the OAuth client ID}";
/// Environment reference for the AWS secret access key.
const SECRET_KEY_REF: &str =
    "${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY to the AWS secret access key}";
/// Environment reference for the AWS session token.
const SESSION_TOKEN_REF: &str =
    "${AWS_SESSION_TOKEN:?set AWS_SESSION_TOKEN to the AWS session token}";

/// The command to create this connection again: a bash-runnable curl whose secrets are environment references.
///
/// `redacted_body` is the request body with placeholders for secrets (as from
/// [`redacted_create_body`]); the values of `s3SecretKey` and `s3SessionToken` are replaced by
/// environment references wherever those keys appear, whatever the values are, so a body that
/// was not redacted still cannot leak. Without a `client_id` the `x-api-key` header reads
/// `AEP_CLIENT_ID` from the environment.
pub fn create_connection_curl(
    platform_url: &str,
    client_id: Option<&str>,
    org_id: &str,
    sandbox: &str,
    redacted_body: &Value,
) -> String {
    let url = format!(
        "{}{FLOW_PATH}/connections",
        platform_url.trim_end_matches('/')
    );
    let api_key = match client_id.filter(|id| !id.is_empty()) {
        Some(id) => single_quote(&format!("x-api-key: {id}")),
        // Double quotes so the shell expands the reference; the text around it is fixed.
        None => format!("\"x-api-key: {CLIENT_ID_REF}\""),
    };
    let mut body = String::new();
    write_json(&mut body, redacted_body, 0);
    let delimiter = heredoc_delimiter(&body);
    format!(
        "curl -sS -X POST {url} \\\n  -H \"Authorization: Bearer {ACCESS_TOKEN_REF}\" \\\n  \
         -H {api_key} \\\n  -H {org} -H {sandbox} \\\n  \
         -H 'Content-Type: application/json' -H 'Accept: application/json' \\\n  \
         --data-binary @- <<{delimiter}\n{body}\n{delimiter}\n",
        url = single_quote(&url),
        org = single_quote(&format!("x-gw-ims-org-id: {org_id}")),
        sandbox = single_quote(&format!("x-sandbox-name: {sandbox}")),
    )
}

/// Same, from a history record (client ID unknown to the record → pass it if the caller knows it).
///
/// Uses the body the attempt recorded as sent; when that is missing or unreadable (a record
/// from before bodies were kept, or a damaged one) the body is rebuilt from the record's fields.
pub fn curl_for_attempt(attempt: &Attempt, client_id: Option<&str>) -> String {
    let body = serde_json::from_str::<Value>(&attempt.request_body_redacted)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| body_from_fields(attempt));
    create_connection_curl(
        &attempt.platform_url,
        client_id,
        &attempt.org_id,
        &attempt.sandbox,
        &body,
    )
}

/// The redacted body rebuilt from a record's columns.
fn body_from_fields(attempt: &Attempt) -> Value {
    let input = S3ConnectionInput {
        name: attempt.name.clone(),
        description: attempt.description.clone(),
        access_key_id: attempt.access_key_id.clone(),
        // Only the presence of a token matters: the body gets a placeholder, never a value.
        session_token: attempt.has_session_token.then(Secret::default),
        bucket_name: attempt.bucket_name.clone(),
        folder_path: attempt.folder_path.clone(),
        service_url: attempt.service_url.clone(),
        ..S3ConnectionInput::default()
    };
    redacted_create_body(&input)
}

/// `text` as one single-quoted shell word: inside single quotes nothing is special except `'`.
fn single_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Escapes the three characters an unquoted heredoc still interprets, so data reaches curl as is.
fn escape_heredoc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The environment reference that stands in for the value of `key`, if `key` names a secret.
fn secret_ref(key: &str) -> Option<&'static str> {
    match key {
        "s3SecretKey" => Some(SECRET_KEY_REF),
        "s3SessionToken" => Some(SESSION_TOKEN_REF),
        _ => None,
    }
}

/// Pretty JSON, escaped for the heredoc, with secrets swapped for environment references.
///
/// A hand-rolled printer rather than serialise-then-replace: a placeholder string could also
/// occur in user data, while here the swap happens by key and cannot hit anything else.
fn write_json(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                push_indent(out, indent + 1);
                out.push_str(&escape_heredoc(&Value::from(key.as_str()).to_string()));
                out.push_str(": ");
                match secret_ref(key) {
                    // JSON string quotes around the reference. AWS keys and tokens are base64-like
                    // (no `"` or `\`), so the expanded value is a valid JSON string as is.
                    Some(reference) => {
                        out.push('"');
                        out.push_str(reference);
                        out.push('"');
                    }
                    None => write_json(out, item, indent + 1),
                }
                if i + 1 < map.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            push_indent(out, indent);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                push_indent(out, indent + 1);
                write_json(out, item, indent + 1);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            push_indent(out, indent);
            out.push(']');
        }
        // Scalars and empty containers: `Value`'s `Display` is their JSON text.
        other => out.push_str(&escape_heredoc(&other.to_string())),
    }
}

/// Two spaces per level, like `serde_json::to_string_pretty`.
fn push_indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// `EOF`, or a variant of it that no line of the body equals (the heredoc would end early).
fn heredoc_delimiter(body: &str) -> String {
    let mut delimiter = "EOF".to_owned();
    let mut n = 0;
    while body.lines().any(|line| line == delimiter) {
        n += 1;
        delimiter = format!("EOF_{n}");
    }
    delimiter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EpochMs;
    use crate::store::history::{AttemptId, AttemptStatus};
    use serde_json::json;

    fn input() -> S3ConnectionInput {
        S3ConnectionInput {
            name: "Landing bucket".into(),
            description: Some("daily drops".into()),
            access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
            secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: Some(Secret::new("FQoGZXIvYXdzEXAMPLETOKEN==")),
            bucket_name: Some("my-bucket".into()),
            folder_path: Some("in/daily".into()),
            service_url: None,
        }
    }

    fn attempt(body: String) -> Attempt {
        Attempt {
            id: AttemptId(1),
            status: AttemptStatus::Created,
            profile: "default".into(),
            org_id: "ORG@AdobeOrg".into(),
            sandbox: "prod".into(),
            platform_url: "https://platform.adobe.io/".into(),
            name: "Landing bucket".into(),
            description: Some("daily drops".into()),
            access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
            bucket_name: Some("my-bucket".into()),
            folder_path: Some("in/daily".into()),
            service_url: None,
            has_session_token: true,
            request_body_redacted: body,
            started_at_ms: EpochMs(1),
            connection_id: None,
            etag: None,
            request_id: None,
            http_status: None,
            error_code: None,
            error_message: None,
            finished_at_ms: None,
            duration_ms: None,
            reconciled: false,
            batch_id: None,
        }
    }

    #[test]
    fn command_has_the_documented_shape() {
        let body = redacted_create_body(&input());
        let cmd = create_connection_curl(
            "https://platform.adobe.io/",
            Some("client-1"),
            "ORG@AdobeOrg",
            "prod",
            &body,
        );
        let first = cmd.lines().next().unwrap();
        assert_eq!(
            first,
            "curl -sS -X POST 'https://platform.adobe.io/data/foundation/flowservice/connections' \\"
        );
        assert!(cmd.contains("-H 'x-api-key: client-1'"), "{cmd}");
        assert!(
            cmd.contains("-H 'x-gw-ims-org-id: ORG@AdobeOrg' -H 'x-sandbox-name: prod'"),
            "{cmd}"
        );
        assert!(cmd.contains("\"Authorization: Bearer ${AEP_ACCESS_TOKEN:?"));
        assert!(cmd.contains("--data-binary @- <<EOF\n{\n"), "{cmd}");
        assert!(cmd.ends_with("\n}\nEOF\n"), "{cmd}");
        assert!(cmd.contains("\"s3SecretKey\": \"${AWS_SECRET_ACCESS_KEY:?"));
        assert!(cmd.contains("\"s3SessionToken\": \"${AWS_SESSION_TOKEN:?"));
    }

    #[test]
    fn unknown_client_id_becomes_an_environment_reference() {
        let body = redacted_create_body(&input());
        for client_id in [None, Some("")] {
            let cmd = create_connection_curl("https://p", client_id, "o", "s", &body);
            assert!(
                cmd.contains("-H \"x-api-key: ${AEP_CLIENT_ID:?"),
                "{client_id:?}: {cmd}"
            );
        }
    }

    #[test]
    fn no_session_token_reference_without_a_token() {
        let mut i = input();
        i.session_token = None;
        let cmd = create_connection_curl("https://p", None, "o", "s", &redacted_create_body(&i));
        assert!(!cmd.contains("AWS_SESSION_TOKEN"), "{cmd}");
        assert!(cmd.contains("AWS_SECRET_ACCESS_KEY"), "{cmd}");
    }

    #[test]
    fn secret_keys_are_references_even_when_the_body_holds_real_values() {
        // Regression guard: a caller passing the unredacted body must not leak it.
        let i = input();
        let cmd = create_connection_curl(
            "https://p",
            None,
            "o",
            "s",
            &crate::api::flow::create_body(&i),
        );
        assert!(!cmd.contains(i.secret_key.expose()), "{cmd}");
        assert!(!cmd.contains("FQoGZXIvYXdzEXAMPLETOKEN"), "{cmd}");
        assert!(!cmd.contains("(redacted)"), "{cmd}");
    }

    #[test]
    fn data_is_escaped_for_the_heredoc_and_single_quotes() {
        let body = json!({"name": "a $HOME `id` \\ \" ' b", "auth": {"params": {}}});
        let cmd = create_connection_curl("https://p/x'y", Some("c'id"), "o'rg", "s", &body);
        assert!(
            cmd.contains(r#""name": "a \$HOME \`id\` \\\\ \\" ' b""#),
            "{cmd}"
        );
        assert!(cmd.contains(r"'https://p/x'\''y/data/"), "{cmd}");
        assert!(cmd.contains(r"'x-api-key: c'\''id'"), "{cmd}");
        assert!(cmd.contains(r"'x-gw-ims-org-id: o'\''rg'"), "{cmd}");
        assert!(cmd.contains(r#""params": {}"#), "{cmd}");
    }

    #[test]
    fn escaped_body_unescapes_to_the_same_json() {
        let body = json!({"name": "x\\y$z`w\"q\n", "list": [1, true, null, [], {}], "n": 1.5});
        let mut text = String::new();
        write_json(&mut text, &body, 0);
        // What the shell does to an unquoted heredoc body without expansions.
        let unescaped = text
            .replace("\\\\", "\u{0}")
            .replace("\\$", "$")
            .replace("\\`", "`")
            .replace('\u{0}', "\\");
        assert_eq!(serde_json::from_str::<Value>(&unescaped).unwrap(), body);
    }

    #[test]
    fn delimiter_avoids_a_body_line() {
        assert_eq!(heredoc_delimiter("{\n}"), "EOF");
        assert_eq!(heredoc_delimiter("EOF\nEOF_1\nx"), "EOF_2");
    }

    #[test]
    fn attempt_uses_its_recorded_body_and_falls_back_to_its_fields() {
        let recorded =
            json!({"name": "as sent", "auth": {"params": {"s3SecretKey": "(redacted)"}}});
        let cmd = curl_for_attempt(&attempt(recorded.to_string()), Some("cid"));
        assert!(cmd.contains("\"name\": \"as sent\""), "{cmd}");
        assert!(
            cmd.contains("'https://platform.adobe.io/data/foundation/flowservice/connections'")
        );
        assert!(cmd.contains("'x-api-key: cid'"));

        let cmd = curl_for_attempt(&attempt(String::new()), None);
        assert!(cmd.contains("\"name\": \"Landing bucket\""), "{cmd}");
        assert!(cmd.contains("\"folderPath\": \"in/daily\""), "{cmd}");
        assert!(
            cmd.contains("\"s3SessionToken\": \"${AWS_SESSION_TOKEN:?"),
            "{cmd}"
        );
        assert!(!cmd.contains("(redacted)"), "{cmd}");
    }
}
