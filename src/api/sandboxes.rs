//! The sandboxes the credential may use: `GET /data/foundation/sandbox-management/`
//! (docs/flow-service-api.md §3). Open to every user, and sent without `x-sandbox-name`: the point is
//! to choose one.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::ClientError;
use super::http::Idempotency;
use super::platform::{CallOptions, PlatformClient, parse_json};
use crate::model::DEFAULT_PRODUCTION_SANDBOX;

/// Path of sandbox management under the platform URL (the trailing slash is Adobe's).
pub const SANDBOX_PATH: &str = "/data/foundation/sandbox-management/";
/// Page size asked for.
pub const SANDBOX_PAGE_SIZE: usize = 50;
/// Hard cap on pages followed: an org has at most a few dozen sandboxes.
pub const MAX_SANDBOX_PAGES: usize = 100;

/// One sandbox. Every field but the name may be missing from Adobe's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sandbox {
    /// The `x-sandbox-name` value, all lowercase (`prod`).
    pub name: String,
    /// Display title (`Production`).
    #[serde(default)]
    pub title: Option<String>,
    /// `creating`, `active`, `failed` or `deleted`.
    #[serde(default)]
    pub state: Option<String>,
    /// `production` or `development`.
    #[serde(default, rename = "type")]
    pub sandbox_type: Option<String>,
    /// Data centre region (`VA7`).
    #[serde(default)]
    pub region: Option<String>,
    /// Whether this is the org's default sandbox.
    #[serde(default)]
    pub is_default: bool,
}

/// How [`sandbox_kind`] decided whether a sandbox is production.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KindBasis {
    /// By its `type` in AEP's sandbox API.
    SandboxApi,
    /// By its name alone: AEP's sandbox API was not asked, could not be, or gave no type for it.
    Name,
}

/// Whether a sandbox is production, and how that was decided: what the window and the CLI
/// show, and what production confirmations depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxKind {
    /// True for a production sandbox.
    pub production: bool,
    /// How it was decided.
    pub basis: KindBasis,
}

/// A sandbox's name as a list shows it beside others: production said in capitals
/// (`live (PRODUCTION)`).
pub fn sandbox_label(name: &str, production: bool) -> String {
    if production {
        format!("{name} (PRODUCTION)")
    } else {
        name.to_owned()
    }
}

impl SandboxKind {
    /// Where the answer comes from, in words (for a tooltip or a note beside the sandbox).
    pub fn basis_text(self) -> &'static str {
        match (self.basis, self.production) {
            (KindBasis::SandboxApi, true) => "a production sandbox, as AEP's sandbox API says",
            (KindBasis::SandboxApi, false) => "a development sandbox, as AEP's sandbox API says",
            (KindBasis::Name, true) => {
                "taken as production by its name: AEP's sandbox API has not told its type yet"
            }
            (KindBasis::Name, false) => {
                "taken as development by its name: AEP's sandbox API has not told its type yet"
            }
        }
    }
}

/// THE rule for "is this sandbox production": its `type` as AEP's sandbox API lists it in
/// `listed` (`None` when the API could not be asked), whatever its name; only when the API
/// gave no answer for it, the name of AEP's default production sandbox
/// ([`DEFAULT_PRODUCTION_SANDBOX`]), because a production sandbox must never go unmarked.
pub fn sandbox_kind(name: &str, listed: Option<&[Sandbox]>) -> SandboxKind {
    let typed = listed
        .and_then(|all| all.iter().find(|s| s.name == name))
        .and_then(|s| s.sandbox_type.as_deref());
    match typed {
        Some(t) => SandboxKind {
            production: t.eq_ignore_ascii_case("production"),
            basis: KindBasis::SandboxApi,
        },
        None => SandboxKind {
            production: name == DEFAULT_PRODUCTION_SANDBOX,
            basis: KindBasis::Name,
        },
    }
}

impl Sandbox {
    /// True for a production sandbox ([`sandbox_kind`] of this entry).
    pub fn is_production(&self) -> bool {
        sandbox_kind(&self.name, Some(std::slice::from_ref(self))).production
    }

    /// True when connections can be made in it now.
    pub fn is_active(&self) -> bool {
        self.state
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("active"))
    }
}

#[derive(Deserialize)]
struct SandboxPage {
    #[serde(default)]
    sandboxes: Vec<Value>,
    #[serde(default, rename = "_page")]
    page: Option<PageInfo>,
}

#[derive(Deserialize)]
struct PageInfo {
    #[serde(default)]
    count: Option<usize>,
}

impl PlatformClient {
    /// Every sandbox the credential may use, following `offset` paging to the end.
    pub async fn list_sandboxes(&self) -> Result<Vec<Sandbox>, ClientError> {
        self.list_sandboxes_paged(SANDBOX_PAGE_SIZE).await
    }

    /// [`Self::list_sandboxes`] asking for `page_size` sandboxes per request.
    pub async fn list_sandboxes_paged(
        &self,
        page_size: usize,
    ) -> Result<Vec<Sandbox>, ClientError> {
        let page_size = page_size.max(1);
        let base = format!(
            "{}{SANDBOX_PATH}",
            self.target().platform_url.trim_end_matches('/')
        );
        let options = CallOptions {
            sandbox_header: false,
            if_match: None,
        };
        let mut sandboxes = Vec::new();
        let mut offset = 0;
        for _ in 0..MAX_SANDBOX_PAGES {
            let mut url = url::Url::parse(&base)
                .map_err(|e| ClientError::BadUrl(format!("`{base}` is not a URL: {e}")))?;
            url.query_pairs_mut()
                .append_pair("limit", &page_size.to_string())
                .append_pair("offset", &offset.to_string());
            let response = self
                .call_with(
                    Method::GET,
                    url.as_str(),
                    None,
                    Idempotency::Idempotent,
                    options,
                )
                .await?;
            let page: SandboxPage = parse_json(&response, "GET /sandbox-management/")?;
            let received = page.sandboxes.len();
            // One odd entry (no name) is skipped rather than failing the whole list.
            sandboxes.extend(
                page.sandboxes
                    .into_iter()
                    .filter_map(|v| serde_json::from_value::<Sandbox>(v).ok())
                    .filter(|s| !s.name.is_empty()),
            );
            let count = page.page.and_then(|p| p.count).unwrap_or(received);
            // A short page is the last one; so is an empty one, whatever `_page` claims.
            if received == 0 || count < page_size {
                return Ok(sandboxes);
            }
            offset += received;
        }
        Err(ClientError::InvalidResponse {
            what: "GET /sandbox-management/".to_owned(),
            status: 200,
            detail: format!("more than {MAX_SANDBOX_PAGES} pages; stopped paging"),
            request_id: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_tolerates_missing_fields() {
        let s: Sandbox = serde_json::from_str(r#"{"name": "dev", "title": null}"#).unwrap();
        assert_eq!(s.title, None);
        assert_eq!(s.name, "dev");
        assert!(!s.is_production() && s.is_active() && !s.is_default);
        let p: Sandbox = serde_json::from_str(
            r#"{"name": "prod-eu", "type": "production", "state": "creating", "isDefault": false, "eTag": 2}"#,
        )
        .unwrap();
        assert!(p.is_production() && !p.is_active());
        let bare_prod: Sandbox = serde_json::from_str(r#"{"name": "prod"}"#).unwrap();
        assert!(bare_prod.is_production());
    }

    #[test]
    fn production_is_the_type_the_api_gives_and_the_name_only_without_one() {
        let listed: Vec<Sandbox> = serde_json::from_str(
            r#"[{"name": "live", "type": "production"}, {"name": "prod", "type": "development"}, {"name": "dev"}]"#,
        )
        .unwrap();
        let api = |production| SandboxKind {
            production,
            basis: KindBasis::SandboxApi,
        };
        let by_name = |production| SandboxKind {
            production,
            basis: KindBasis::Name,
        };
        assert_eq!(sandbox_kind("live", Some(&listed)), api(true));
        assert_eq!(sandbox_kind("prod", Some(&listed)), api(false));
        assert_eq!(sandbox_kind("dev", Some(&listed)), by_name(false));
        assert_eq!(sandbox_kind("prod", None), by_name(true));
        assert_eq!(sandbox_kind("live", None), by_name(false));
        assert_eq!(sandbox_kind("other", Some(&listed)), by_name(false));
    }
}
