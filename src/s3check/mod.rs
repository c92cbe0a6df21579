//! Pre-flight check of S3 credentials, before anything is sent to Adobe.
//!
//! AEP needs five IAM permissions on the key (docs/flow-service-api.md §2). Each is tried with the
//! request that needs it, SigV4-signed and sent with the project's HTTP client (so the URL
//! policy, timeouts and retries of [`Http`] apply), straight to AWS or to the service URL given:
//!
//! | permission | request |
//! |---|---|
//! | `s3:ListAllMyBuckets` | `GET /` |
//! | `s3:GetBucketLocation` | `GET /{bucket}?location` (its answer picks the region signed for next) |
//! | `s3:ListBucket` | `GET /{bucket}?list-type=2&prefix={folder}/&max-keys=100` |
//! | `s3:GetObject` | `GET /{bucket}/{key}` with `Range: bytes=0-0`, for a file the listing found |
//! | `s3:GetObjectVersion` | the same with `?versionId=` (the version GetObject reported, else `null`) |
//!
//! Only GETs, and only one byte of one object: the check changes nothing and reads next to
//! nothing. The secret key never leaves the process: it only feeds the signatures.

mod input;
mod refusal;
mod report;
mod request;
mod stages;
mod xml;

use aws_credential_types::Credentials;

use crate::api::http::Http;
use crate::secret::Secret;

pub use input::{InputError, S3CheckInput, validate_input};
use input::{present, region_rule};
pub use report::{CheckOutcome, PermissionCheck, S3CheckReport};
pub use request::DEFAULT_REGION;
use request::{Answer, Endpoint, S3Error, S3Request};

/// `s3:ListAllMyBuckets`.
pub const LIST_ALL_MY_BUCKETS: &str = "s3:ListAllMyBuckets";
/// `s3:GetBucketLocation`.
pub const GET_BUCKET_LOCATION: &str = "s3:GetBucketLocation";
/// `s3:ListBucket`.
pub const LIST_BUCKET: &str = "s3:ListBucket";
/// `s3:GetObject`.
pub const GET_OBJECT: &str = "s3:GetObject";
/// `s3:GetObjectVersion`.
pub const GET_OBJECT_VERSION: &str = "s3:GetObjectVersion";
/// The permissions AEP needs, in the order they are checked.
pub const PERMISSIONS: [&str; 5] = [
    LIST_ALL_MY_BUCKETS,
    GET_BUCKET_LOCATION,
    LIST_BUCKET,
    GET_OBJECT,
    GET_OBJECT_VERSION,
];

/// Runs the checks in order. Never fails as a whole: each permission gets its own outcome.
/// Call [`validate_input`] first; an input it rejects is reported here as failed checks.
pub async fn check_s3(http: &Http, input: &S3CheckInput) -> S3CheckReport {
    let mut run = Run::new(input);
    let endpoint = Endpoint::new(present(&input.service_url), present(&input.region));
    let region = endpoint
        .as_ref()
        .map_or_else(|_| DEFAULT_REGION.to_owned(), |e| e.region().to_owned());
    match endpoint {
        Ok(mut endpoint) => run.all(http, &mut endpoint).await,
        Err(e) => run.fail_here(e),
    }
    let region_used = run.region.take().unwrap_or(region);
    run.report(input, region_used)
}

/// The state of one check run.
struct Run<'a> {
    input: &'a S3CheckInput,
    credentials: Credentials,
    checks: Vec<PermissionCheck>,
    region: Option<String>,
}

impl<'a> Run<'a> {
    fn new(input: &'a S3CheckInput) -> Self {
        let credentials = Credentials::new(
            input.access_key_id.trim(),
            input.secret_key.expose(),
            input
                .session_token
                .as_ref()
                .filter(|t| !t.is_empty())
                .map(|t| t.expose().to_owned()),
            None,
            "aep-s3-connect",
        );
        Self {
            input,
            credentials,
            checks: Vec::new(),
            region: None,
        }
    }

    fn push(&mut self, permission: &'static str, outcome: CheckOutcome, detail: impl Into<String>) {
        self.checks.push(PermissionCheck {
            permission,
            outcome,
            detail: detail.into(),
        });
    }

    /// Marks every permission not yet reported as not checked, because of `cause`.
    fn skip_rest(&mut self, cause: &CheckOutcome) {
        let reason = match cause {
            CheckOutcome::Denied(code) => {
                format!("skipped: S3 rejected the credentials themselves ({code})")
            }
            CheckOutcome::Failed(_) => "skipped: the S3 endpoint could not be reached".to_owned(),
            CheckOutcome::NotChecked(r) => r.clone(),
            CheckOutcome::Passed => String::new(),
        };
        let detail = match cause {
            CheckOutcome::NotChecked(_) | CheckOutcome::Passed => String::new(),
            _ => "fix the problem above and run the check again".to_owned(),
        };
        for permission in PERMISSIONS.iter().skip(self.checks.len()) {
            self.push(
                permission,
                CheckOutcome::NotChecked(reason.clone()),
                detail.clone(),
            );
        }
    }

    /// Reports the next permission as failed (its request could not even be made), the rest as skipped.
    fn fail_here(&mut self, error: String) {
        if let Some(permission) = PERMISSIONS.get(self.checks.len()) {
            self.push(
                permission,
                CheckOutcome::Failed(error.clone()),
                "the request could not be made",
            );
        }
        self.skip_rest(&CheckOutcome::Failed(error));
    }

    /// Signs for the bucket's region from now on; returns the detail line for the location check.
    fn switch_region(&mut self, endpoint: &mut Endpoint, region: &str) -> String {
        let before = endpoint.region().to_owned();
        if let Err(e) = endpoint.set_region(region) {
            return format!("the bucket is in {region}, but {e}");
        }
        self.region = Some(region.to_owned());
        let mut detail = format!("the bucket is in {region}");
        if let Some(url) = present(&self.input.service_url)
            && before != region
            && request::aws_host_region(&host_of(url)).is_some()
        {
            detail.push_str(&format!(
                "; the service URL {url} is for {before}: use https://s3.{region}.amazonaws.com"
            ));
        }
        detail
    }

    /// One signed GET on the bucket. A refusal that names the bucket's region (AWS, MinIO and
    /// others do when a request was signed for another one) is tried once more, signed for that
    /// region, and without a service URL also sent to that region's endpoint. A given AWS service
    /// URL stays as it is: AEP will use it, so a wrong one must show up as a refusal.
    async fn get(
        &mut self,
        http: &Http,
        endpoint: &mut Endpoint,
        bucket: &str,
        key: Option<&str>,
        query: &[(&str, Option<&str>)],
        headers: &[(&str, &str)],
    ) -> Result<Answer, S3Error> {
        let answer = self
            .get_once(http, endpoint, bucket, key, query, headers)
            .await;
        let moved = match &answer {
            Err(e) => request::region_hint(e, bucket)
                .filter(|r| r != endpoint.region() && region_rule(r).is_ok()),
            _ => None,
        };
        let Some(region) = moved else {
            return answer;
        };
        self.switch_region(endpoint, &region);
        self.get_once(http, endpoint, bucket, key, query, headers)
            .await
    }

    async fn get_once(
        &self,
        http: &Http,
        endpoint: &Endpoint,
        bucket: &str,
        key: Option<&str>,
        query: &[(&str, Option<&str>)],
        headers: &[(&str, &str)],
    ) -> Result<Answer, S3Error> {
        let url = endpoint
            .url(Some(bucket), key, query)
            .map_err(|message| S3Error::Failed {
                message,
                unreachable: true,
            })?;
        S3Request { url, headers }
            .send(http, &self.credentials, endpoint.region())
            .await
    }

    /// The finished report, with any trace of a secret scrubbed from its text (S3 never echoes
    /// the secret key, but a store or proxy could echo a header, and this is the last gate).
    fn report(mut self, input: &S3CheckInput, region_used: String) -> S3CheckReport {
        let secrets: Vec<&str> = std::iter::once(&input.secret_key)
            .chain(input.session_token.as_ref())
            .map(Secret::expose)
            .filter(|s| s.len() >= 4)
            .collect();
        for check in &mut self.checks {
            let scrub = |text: &mut String| {
                for secret in &secrets {
                    if text.contains(secret) {
                        *text = text.replace(secret, "(redacted)");
                    }
                }
            };
            scrub(&mut check.detail);
            match &mut check.outcome {
                CheckOutcome::Denied(t) | CheckOutcome::NotChecked(t) | CheckOutcome::Failed(t) => {
                    scrub(t);
                }
                CheckOutcome::Passed => {}
            }
        }
        S3CheckReport {
            checks: self.checks,
            region_used,
        }
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

fn body_text(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Complete(r) => Some(String::from_utf8_lossy(&r.body).into_owned()),
        Answer::TooLarge => None,
    }
}
