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
mod report;
mod request;
mod xml;

use aws_credential_types::Credentials;

use crate::api::http::{Http, header_str};
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

/// How many keys one listing asks for: enough to find a file past a few folder markers.
const MAX_KEYS: &str = "100";

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

    async fn all(&mut self, http: &Http, endpoint: &mut Endpoint) {
        // 1. ListAllMyBuckets.
        let bucket = present(&self.input.bucket).map(str::to_owned);
        let answer = S3Request {
            url: match endpoint.url(None, None, &[]) {
                Ok(url) => url,
                Err(e) => return self.fail_here(e),
            },
            headers: &[],
        }
        .send(http, &self.credentials, endpoint.region())
        .await;
        let stop = answer.as_ref().err().is_some_and(stops_everything);
        let (outcome, detail) = match answer {
            Ok(answer) => (
                CheckOutcome::Passed,
                buckets_detail(&answer, bucket.as_deref()),
            ),
            Err(e) => denial(LIST_ALL_MY_BUCKETS, &e),
        };
        self.push(LIST_ALL_MY_BUCKETS, outcome.clone(), detail);
        if stop {
            return self.skip_rest(&outcome);
        }
        let Some(bucket) = bucket else {
            return self.skip_rest(&CheckOutcome::NotChecked(
                "no bucket was given: give one to check the bucket's permissions".to_owned(),
            ));
        };
        self.bucket_checks(http, endpoint, &bucket).await;
    }

    async fn bucket_checks(&mut self, http: &Http, endpoint: &mut Endpoint, bucket: &str) {
        // 2. GetBucketLocation: its region is the one to sign for from here on.
        let answer = self
            .get(http, endpoint, bucket, None, &[("location", None)], &[])
            .await;
        let stop = answer.as_ref().err().is_some_and(stops_everything);
        let (outcome, detail) = match answer {
            Ok(answer) => match body_text(&answer).as_deref().map(xml::bucket_region) {
                Some(Ok(region)) => {
                    let detail = self.switch_region(endpoint, &region);
                    (CheckOutcome::Passed, detail)
                }
                Some(Err(e)) => (
                    CheckOutcome::Passed,
                    format!(
                        "allowed, but the answer could not be read ({e}); signing for {} still",
                        endpoint.region()
                    ),
                ),
                None => (CheckOutcome::Passed, "allowed".to_owned()),
            },
            Err(e) => denial(GET_BUCKET_LOCATION, &e),
        };
        self.push(GET_BUCKET_LOCATION, outcome.clone(), detail);
        if stop {
            return self.skip_rest(&outcome);
        }

        // 3. ListBucket on the folder.
        let prefix = folder_prefix(self.input.folder_path.as_deref());
        let mut query = vec![("list-type", Some("2"))];
        if let Some(prefix) = &prefix {
            query.push(("prefix", Some(prefix.as_str())));
        }
        query.push(("max-keys", Some(MAX_KEYS)));
        let answer = self.get(http, endpoint, bucket, None, &query, &[]).await;
        let where_ = match &prefix {
            Some(p) => format!("folder {p} of bucket {bucket}"),
            None => format!("bucket {bucket}"),
        };
        let object = match answer {
            Ok(answer) => {
                let listed = body_text(&answer).as_deref().map(xml::listing);
                let (object, detail) = match listed {
                    Some(Ok((objects, truncated))) => {
                        let files = objects.iter().filter(|o| !o.key.ends_with('/')).count();
                        let more = if truncated { " (first page)" } else { "" };
                        (
                            pick_object(&objects).map(|o| o.key.clone()),
                            format!("listed the {where_}: {files} file(s){more}"),
                        )
                    }
                    Some(Err(e)) => (
                        None,
                        format!("listed the {where_}, but the answer could not be read ({e})"),
                    ),
                    None => (None, format!("listed the {where_}")),
                };
                self.push(LIST_BUCKET, CheckOutcome::Passed, detail);
                object
            }
            Err(e) => {
                let (outcome, detail) = denial(LIST_BUCKET, &e);
                let stop = stops_everything(&e);
                self.push(LIST_BUCKET, outcome.clone(), format!("{where_}: {detail}"));
                if stop {
                    return self.skip_rest(&outcome);
                }
                return self.skip_rest(&CheckOutcome::NotChecked(
                    "the folder could not be listed, so no file was known to read".to_owned(),
                ));
            }
        };
        let Some(key) = object else {
            return self.skip_rest(&CheckOutcome::NotChecked(format!(
                "the {where_} holds no file to read"
            )));
        };
        self.object_checks(http, endpoint, bucket, &key).await;
    }

    async fn object_checks(
        &mut self,
        http: &Http,
        endpoint: &mut Endpoint,
        bucket: &str,
        key: &str,
    ) {
        // 4. GetObject: one byte is proof enough.
        let range = [("range", "bytes=0-0")];
        let answer = self
            .get(http, endpoint, bucket, Some(key), &[], &range)
            .await;
        let stop = answer.as_ref().err().is_some_and(stops_everything);
        let mut version = None;
        let (outcome, detail) = match answer {
            Ok(answer) => {
                if let Answer::Complete(r) = &answer {
                    version = header_str(&r.headers, "x-amz-version-id");
                }
                (
                    CheckOutcome::Passed,
                    format!("read the first byte of {key}"),
                )
            }
            // A zero-byte file has no byte 0: S3 says so only after allowing the read.
            Err(S3Error::Aws { code, .. }) if code == "InvalidRange" => (
                CheckOutcome::Passed,
                format!("allowed to read {key} (it is empty)"),
            ),
            Err(e) => {
                let (outcome, detail) = denial(GET_OBJECT, &e);
                (outcome, format!("{key}: {detail}"))
            }
        };
        self.push(GET_OBJECT, outcome.clone(), detail);
        if stop {
            return self.skip_rest(&outcome);
        }

        // 5. GetObjectVersion: the version GetObject reported, or `null` (unversioned buckets).
        let version = version.unwrap_or_else(|| "null".to_owned());
        let query = [("versionId", Some(version.as_str()))];
        let answer = self
            .get(http, endpoint, bucket, Some(key), &query, &range)
            .await;
        let (outcome, detail) = match answer {
            Ok(_) => (
                CheckOutcome::Passed,
                format!("read version {version} of {key}"),
            ),
            Err(S3Error::Aws { code, .. }) if code == "InvalidRange" => (
                CheckOutcome::Passed,
                format!("allowed to read version {version} of {key} (it is empty)"),
            ),
            // S3 looks a version up only after allowing the request.
            Err(S3Error::Aws { code, .. }) if code == "NoSuchVersion" || code == "NoSuchKey" => (
                CheckOutcome::Passed,
                format!(
                    "allowed (version {version} of {key} does not exist, but S3 looked for it)"
                ),
            ),
            Err(e) => {
                let (outcome, detail) = denial(GET_OBJECT_VERSION, &e);
                (outcome, format!("{key}: {detail}"))
            }
        };
        self.push(GET_OBJECT_VERSION, outcome, detail);
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

/// The listing prefix for a folder path: no leading `/`, one trailing `/`; `None` for the root.
fn folder_prefix(folder: Option<&str>) -> Option<String> {
    let trimmed = folder?.trim().trim_matches('/');
    (!trimmed.is_empty()).then(|| format!("{trimmed}/"))
}

/// A file to read: the first non-empty one, else the first at all; folder markers (`x/`) never.
fn pick_object(objects: &[xml::ListedObject]) -> Option<&xml::ListedObject> {
    let files = || objects.iter().filter(|o| !o.key.ends_with('/'));
    files().find(|o| o.size > 0).or_else(|| files().next())
}

fn body_text(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Complete(r) => Some(String::from_utf8_lossy(&r.body).into_owned()),
        Answer::TooLarge => None,
    }
}

fn buckets_detail(answer: &Answer, bucket: Option<&str>) -> String {
    let Some(Ok(names)) = body_text(answer).map(|b| xml::bucket_names(&b)) else {
        return "allowed".to_owned();
    };
    let mut detail = format!("the key sees {} bucket(s)", names.len());
    if let Some(bucket) = bucket
        && !names.iter().any(|n| n == bucket)
    {
        detail.push_str(&format!(
            "; {bucket} is not among them (it may belong to another account)"
        ));
    }
    detail
}

/// Codes that mean the credentials themselves were refused: every other request would get the same.
const CREDENTIAL_CODES: &[&str] = &[
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "ExpiredToken",
    "TokenRefreshRequired",
    "RequestTimeTooSkewed",
    "AccountProblem",
    "AllAccessDisabled",
];

/// Whether a refusal or failure means every later request would fare the same.
fn stops_everything(error: &S3Error) -> bool {
    match error {
        S3Error::Aws { code, .. } => CREDENTIAL_CODES.contains(&code.as_str()),
        S3Error::Failed { unreachable, .. } => *unreachable,
    }
}

/// The outcome and detail for a refused or failed request.
fn denial(permission: &str, error: &S3Error) -> (CheckOutcome, String) {
    match error {
        S3Error::Aws {
            code,
            message,
            region,
            endpoint,
            ..
        } => {
            let hint = hint(permission, code, region.as_deref(), endpoint.as_deref());
            let detail = if message.is_empty() {
                hint
            } else {
                format!("{hint} (S3: {message})")
            };
            (CheckOutcome::Denied(code.clone()), detail)
        }
        S3Error::Failed { message, .. } => (
            CheckOutcome::Failed(message.clone()),
            "no answer from S3: check the network, a proxy and the service URL".to_owned(),
        ),
    }
}

/// What an S3 code means for the user, and what to do.
fn hint(permission: &str, code: &str, region: Option<&str>, endpoint: Option<&str>) -> String {
    match code {
        "AccessDenied" => format!("the key's IAM policy does not allow {permission} here: add it"),
        "InvalidAccessKeyId" => {
            "S3 does not know this access key ID: check it, and that the key is active".to_owned()
        }
        "SignatureDoesNotMatch" => {
            "the secret access key does not belong to this access key ID: check it was copied whole"
                .to_owned()
        }
        "InvalidToken" | "ExpiredToken" | "TokenRefreshRequired" => {
            "the session token is invalid or expired: get fresh temporary credentials".to_owned()
        }
        "RequestTimeTooSkewed" => {
            "this computer's clock is off by more than 15 minutes: set it right".to_owned()
        }
        "NoSuchBucket" => "there is no bucket of that name: check its spelling".to_owned(),
        "AuthorizationHeaderMalformed"
        | "PermanentRedirect"
        | "IllegalLocationConstraintException" => match (region, endpoint) {
            (Some(r), _) => format!(
                "the bucket is in {r}: use --region {r} or the service URL https://s3.{r}.amazonaws.com"
            ),
            (None, Some(e)) => {
                format!("the bucket must be reached through {e}: use it as the service URL")
            }
            (None, None) => {
                "the bucket is in another region: give its region or regional service URL"
                    .to_owned()
            }
        },
        _ => format!("S3 refused {permission}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_prefixes() {
        assert_eq!(folder_prefix(None), None);
        assert_eq!(folder_prefix(Some("/")), None);
        assert_eq!(
            folder_prefix(Some("in/daily")).as_deref(),
            Some("in/daily/")
        );
        assert_eq!(
            folder_prefix(Some("/in/daily/")).as_deref(),
            Some("in/daily/")
        );
    }

    #[test]
    fn picks_a_non_empty_file_over_markers_and_empty_files() {
        let o = |key: &str, size| xml::ListedObject {
            key: key.into(),
            size,
        };
        let objects = [o("in/", 0), o("in/empty.csv", 0), o("in/data.csv", 9)];
        assert_eq!(pick_object(&objects).unwrap().key, "in/data.csv");
        assert_eq!(pick_object(&objects[..2]).unwrap().key, "in/empty.csv");
        assert_eq!(pick_object(&objects[..1]), None);
    }

    #[test]
    fn credential_refusals_stop_the_run_and_policy_refusals_do_not() {
        let aws = |code: &str| S3Error::Aws {
            status: 403,
            code: code.into(),
            message: String::new(),
            region: None,
            endpoint: None,
        };
        let (o, d) = denial(GET_OBJECT, &aws("AccessDenied"));
        assert_eq!(o, CheckOutcome::Denied("AccessDenied".into()));
        assert!(d.contains("s3:GetObject"), "{d}");
        assert!(!stops_everything(&aws("AccessDenied")));
        assert!(stops_everything(&aws("SignatureDoesNotMatch")));
        let refused = S3Error::Failed {
            message: "could not connect".into(),
            unreachable: true,
        };
        assert!(stops_everything(&refused));
        assert_eq!(
            denial(LIST_ALL_MY_BUCKETS, &refused).0,
            CheckOutcome::Failed("could not connect".into())
        );
    }
}
