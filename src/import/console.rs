//! The project JSON the Adobe Developer Console downloads ("Download JSON" on a project).
//!
//! Layout (flow-service-api.md §1): `project.org.ims_org_id`, and under
//! `project.workspace.details.credentials[]` an entry with `"integration_type":
//! "oauth_server_to_server"` whose `oauth_server_to_server` object holds `client_id`,
//! `client_secrets` (up to two), `technical_account_email`, `technical_account_id`, `scopes`.

use serde_json::Value;

use super::ImportError;
use crate::secret::Secret;

/// What a profile needs from the console JSON.
#[derive(Clone, Debug)]
pub struct ConsoleCredential {
    /// Project name, a good default profile name.
    pub project_name: Option<String>,
    /// IMS org ID.
    pub org_id: String,
    /// OAuth client ID.
    pub client_id: String,
    /// Client secrets (Adobe allows two during a rotation); the first is used.
    pub client_secrets: Vec<Secret>,
    /// Scopes, comma-separated.
    pub scopes: String,
    /// Technical account email.
    pub technical_account_email: Option<String>,
}

/// Parses the console JSON. `source_name` names the file in errors.
pub fn parse(text: &str, source_name: &str) -> Result<ConsoleCredential, ImportError> {
    let json: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        ImportError::new(source_name, Some(e.line()), format!("not valid JSON: {e}"))
    })?;
    let err = |m: &str| ImportError::new(source_name, None, m.to_owned());
    let project = json
        .get("project")
        .ok_or_else(|| err("no `project` object: is this the JSON from Developer Console → project → Download JSON?"))?;
    let org_id = project
        .pointer("/org/ims_org_id")
        .and_then(Value::as_str)
        .ok_or_else(|| err("no `project.org.ims_org_id`"))?;
    let credentials = project
        .pointer("/workspace/details/credentials")
        .and_then(Value::as_array)
        .ok_or_else(|| err("no `project.workspace.details.credentials` list"))?;
    let oauth = credentials
        .iter()
        .find(|c| c.get("integration_type").and_then(Value::as_str) == Some("oauth_server_to_server"))
        .and_then(|c| c.get("oauth_server_to_server"))
        .ok_or_else(|| {
            let kinds: Vec<&str> = credentials
                .iter()
                .filter_map(|c| c.get("integration_type").and_then(Value::as_str))
                .collect();
            err(&format!(
                "no OAuth Server-to-Server credential (found: {}); JWT credentials reached end of life in 2025: add an OAuth Server-to-Server credential to the project",
                if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") }
            ))
        })?;
    let text_field = |key: &str| oauth.get(key).and_then(Value::as_str).map(str::to_owned);
    let client_id = text_field("client_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("the OAuth credential has no `client_id`"))?;
    let client_secrets: Vec<Secret> = match oauth.get("client_secrets") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![Secret::new(s.as_str())],
        _ => Vec::new(),
    };
    let scopes = match oauth.get("scopes") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    Ok(ConsoleCredential {
        project_name: project
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned),
        org_id: org_id.to_owned(),
        client_id,
        client_secrets,
        scopes,
        technical_account_email: text_field("technical_account_email"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"project": {"id": "1", "name": "aep-sources", "title": "AEP sources",
      "org": {"id": "1", "name": "Acme", "ims_org_id": "5C1328435BF324E90A49402A@AdobeOrg"},
      "workspace": {"id": "2", "name": "Production", "details": {"credentials": [
        {"id": "3", "name": "OAuth", "integration_type": "oauth_server_to_server",
         "oauth_server_to_server": {"client_id": "abc123", "client_secrets": ["p8e-SECRET1", "p8e-SECRET2"],
           "technical_account_email": "x@techacct.adobe.com", "technical_account_id": "y@techacct.adobe.com",
           "scopes": ["openid", "session", "AdobeID", "read_organizations", "additional_info.projectedProductContext"]}}]}}}}"#;

    #[test]
    fn parses_the_console_layout() {
        let c = parse(SAMPLE, "project.json").unwrap();
        assert_eq!(c.org_id, "5C1328435BF324E90A49402A@AdobeOrg");
        assert_eq!(c.client_id, "abc123");
        assert_eq!(c.client_secrets.len(), 2);
        assert_eq!(c.client_secrets[0].expose(), "p8e-SECRET1");
        assert_eq!(c.scopes, crate::model::DEFAULT_SCOPES);
        assert_eq!(c.project_name.as_deref(), Some("aep-sources"));
    }

    #[test]
    fn errors_name_the_file_and_what_is_missing() {
        let e = parse("{\n  \"project\": ", "p.json").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("p.json, line 2"));
        let jwt = SAMPLE.replace("oauth_server_to_server\",", "service_account\",");
        let e = parse(&jwt, "p.json").unwrap_err().to_string();
        assert!(
            e.contains("service_account") && e.contains("OAuth Server-to-Server"),
            "{e}"
        );
        assert!(
            !parse(&jwt, "p.json")
                .unwrap_err()
                .to_string()
                .contains("SECRET1")
        );
        assert!(parse("[]", "p.json").is_err());
    }
}
