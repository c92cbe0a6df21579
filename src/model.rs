//! Domain types shared by the client, the stores, the CLI and the window.

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// Flow Service connection spec ID of the Amazon S3 source.
pub const S3_CONNECTION_SPEC_ID: &str = "ecadc60c-7455-4d87-84dc-2a0e293d997b";
/// Auth spec name for access-key credentials.
pub const S3_AUTH_SPEC_ACCESS_KEY: &str = "Access Key";
/// Default Platform gateway.
pub const DEFAULT_PLATFORM_URL: &str = "https://platform.adobe.io";
/// Default IMS host.
pub const DEFAULT_IMS_URL: &str = "https://ims-na1.adobelogin.com";
/// Scopes Adobe's Developer Console gives an Experience Platform OAuth Server-to-Server credential.
pub const DEFAULT_SCOPES: &str =
    "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext";

/// Everything needed to create one S3 base connection with the "Access Key" auth spec.
#[derive(Clone, Debug, Default)]
pub struct S3ConnectionInput {
    /// Connection name (required by Flow Service).
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// AWS access key ID (`AKIA...` or `ASIA...`).
    pub access_key_id: String,
    /// AWS secret access key.
    pub secret_key: Secret,
    /// Session token for temporary (`ASIA`) credentials.
    pub session_token: Option<Secret>,
    /// Restricts the connection to one bucket.
    pub bucket_name: Option<String>,
    /// Restricts the connection to one folder of the bucket.
    pub folder_path: Option<String>,
    /// Region-specific or S3-compatible endpoint, `https://...`.
    pub service_url: Option<String>,
}

impl Default for Secret {
    fn default() -> Self {
        Secret::new(String::new())
    }
}

/// Where and as whom Platform calls are made: the non-secret half of a profile, after overrides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// IMS organisation ID, `...@AdobeOrg`.
    pub org_id: String,
    /// OAuth client ID, also sent as `x-api-key`.
    pub client_id: String,
    /// Sandbox name (lowercase), sent as `x-sandbox-name`.
    pub sandbox: String,
    /// Platform base URL, e.g. `https://platform.adobe.io`.
    pub platform_url: String,
    /// IMS base URL, e.g. `https://ims-na1.adobelogin.com`.
    pub ims_url: String,
    /// Comma-separated OAuth scopes.
    pub scopes: String,
}

/// A connection Flow Service reports as created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedConnection {
    /// Connection ID.
    pub id: String,
    /// Etag, byte for byte as received (it contains double quotes).
    pub etag: String,
    /// `x-request-id` of the response that proved it exists.
    pub request_id: Option<String>,
    /// True when the POST's answer was lost and the connection was found by name afterwards.
    pub reconciled: bool,
}

/// Now, in epoch milliseconds (Flow Service's time unit).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
