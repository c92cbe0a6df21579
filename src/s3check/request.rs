//! Where the check's requests go and how they are signed.
//!
//! URL style: AWS endpoints get virtual-hosted URLs (`https://bucket.s3.region.amazonaws.com/key`),
//! the style AWS documents as current (path style is deprecated there), except for bucket names
//! with dots, which would not match AWS's wildcard certificate and so use path style. Any other
//! service URL (MinIO, Ceph, moto, ...) gets path-style URLs (`https://host/bucket/key`): those
//! stores rarely have wildcard DNS for bucket names.
//!
//! Signing: SigV4 in the `Authorization` header by `aws-sigv4`, with the payload hash in
//! `x-amz-content-sha256` and a session token in `x-amz-security-token`. The secret key only ever
//! feeds the signature: no header, URL or log line carries it.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use super::xml;
use crate::api::error::NetworkErrorKind;
use crate::api::http::{Http, Idempotency, RawResponse};
use crate::api::{ApiError, ClientError};

/// The region signed for when nothing says otherwise (AWS's global endpoint lives there, and
/// S3-compatible stores default to it).
pub const DEFAULT_REGION: &str = "us-east-1";

/// SigV4's "unreserved" characters (RFC 3986): everything else is percent-encoded, in paths
/// (except `/`) and in query values alike, which is exactly how the canonical request spells them.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The S3 endpoint and the region requests are signed for.
#[derive(Clone, Debug)]
pub(super) struct Endpoint {
    /// Scheme, host, port and any base path of the service.
    base: Url,
    /// An AWS host: buckets (without dots) go into the host name.
    virtual_host: bool,
    /// No service URL was given: the endpoint follows the bucket's region once it is known.
    follow_region: bool,
    /// The region requests are signed for.
    region: String,
}

impl Endpoint {
    /// From the optional service URL and region. The URL must already have passed the
    /// validation rules (https, or http to loopback).
    pub fn new(service_url: Option<&str>, region: Option<&str>) -> Result<Self, String> {
        let Some(service_url) = service_url else {
            let region = region.unwrap_or(DEFAULT_REGION).to_owned();
            return Ok(Self {
                base: aws_base(&region)?,
                virtual_host: true,
                follow_region: true,
                region,
            });
        };
        let base =
            Url::parse(service_url).map_err(|e| format!("the service URL is not a URL ({e})"))?;
        let host = base.host_str().unwrap_or_default().to_ascii_lowercase();
        let aws_region = aws_host_region(&host);
        let region = region
            .map(str::to_owned)
            .or_else(|| aws_region.clone())
            .unwrap_or_else(|| DEFAULT_REGION.to_owned());
        Ok(Self {
            virtual_host: aws_region.is_some() && base.scheme() == "https",
            base,
            follow_region: false,
            region,
        })
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Signs later requests for `region` (the bucket's); without a service URL, also sends them
    /// to that region's endpoint.
    pub fn set_region(&mut self, region: &str) -> Result<(), String> {
        if self.follow_region {
            self.base = aws_base(region)?;
        }
        self.region = region.to_owned();
        Ok(())
    }

    /// The URL of the service (no bucket), a bucket, or an object, with a query whose keys and
    /// values are encoded as SigV4 canonicalises them.
    pub fn url(
        &self,
        bucket: Option<&str>,
        key: Option<&str>,
        query: &[(&str, Option<&str>)],
    ) -> Result<Url, String> {
        let mut url = self.base.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        let encoded_key = key.map(encode_key).unwrap_or_default();
        let path = match bucket {
            None => format!("{base_path}/"),
            Some(bucket) if self.virtual_host && !bucket.contains('.') => {
                let host = format!("{bucket}.{}", url.host_str().unwrap_or_default());
                url.set_host(Some(&host))
                    .map_err(|e| format!("`{host}` is not a host name ({e})"))?;
                format!("{base_path}/{encoded_key}")
            }
            Some(bucket) => {
                let bucket = utf8_percent_encode(bucket, UNRESERVED);
                match key {
                    Some(_) => format!("{base_path}/{bucket}/{encoded_key}"),
                    None => format!("{base_path}/{bucket}"),
                }
            }
        };
        url.set_path(&path);
        let query: Vec<String> = query
            .iter()
            .map(|(k, v)| {
                let k = utf8_percent_encode(k, UNRESERVED);
                match v {
                    Some(v) => format!("{k}={}", utf8_percent_encode(v, UNRESERVED)),
                    None => k.to_string(),
                }
            })
            .collect();
        url.set_query((!query.is_empty()).then(|| query.join("&")).as_deref());
        Ok(url)
    }
}

/// `https://s3.amazonaws.com` for us-east-1, else `https://s3.{region}.amazonaws.com`.
fn aws_base(region: &str) -> Result<Url, String> {
    let url = if region == DEFAULT_REGION {
        "https://s3.amazonaws.com/".to_owned()
    } else {
        format!("https://s3.{region}.amazonaws.com/")
    };
    Url::parse(&url).map_err(|e| format!("`{region}` does not make an S3 endpoint ({e})"))
}

/// The region of an AWS S3 endpoint host (`s3.amazonaws.com`, `s3.eu-west-1.amazonaws.com`,
/// `s3-eu-west-1.amazonaws.com`, `s3.dualstack.eu-west-1.amazonaws.com`); `None` for any other host.
pub(super) fn aws_host_region(host: &str) -> Option<String> {
    let rest = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?;
    let labels: Vec<&str> = rest.split('.').collect();
    match labels.as_slice() {
        ["s3" | "s3-external-1"] => Some(DEFAULT_REGION.to_owned()),
        ["s3", region] | ["s3", "dualstack", region] => Some((*region).to_owned()),
        [legacy] => legacy
            .strip_prefix("s3-")
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
        _ => None,
    }
}

/// The bucket's region, when a refusal says the request went to or was signed for the wrong
/// one: `AuthorizationHeaderMalformed` names it, `PermanentRedirect` names the endpoint to use.
pub(super) fn region_hint(error: &S3Error, bucket: &str) -> Option<String> {
    let S3Error::Aws {
        code,
        region,
        endpoint,
        ..
    } = error
    else {
        return None;
    };
    if !matches!(
        code.as_str(),
        "AuthorizationHeaderMalformed" | "PermanentRedirect" | "IllegalLocationConstraintException"
    ) {
        return None;
    }
    region.clone().or_else(|| {
        let host = endpoint.as_deref()?.to_ascii_lowercase();
        let host = host.strip_prefix(&format!("{bucket}.")).unwrap_or(&host);
        aws_host_region(host)
    })
}

/// Percent-encodes an object key for the path: each `/`-separated segment on its own.
fn encode_key(key: &str) -> String {
    key.split('/')
        .map(|segment| utf8_percent_encode(segment, UNRESERVED).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Why a request did not give an answer the check can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum S3Error {
    /// S3 answered with an error status (and usually an error body).
    Aws {
        /// HTTP status.
        status: u16,
        /// S3's code, or `HTTP {status}` when the body had none.
        code: String,
        /// S3's message, or a short note when the body had none.
        message: String,
        /// The bucket's region, when S3 said which it expected.
        region: Option<String>,
        /// The endpoint to use instead, when S3 said.
        endpoint: Option<String>,
    },
    /// No usable answer: network, timeout, a 5xx, or a request that could not be made.
    Failed {
        /// What happened, for the user.
        message: String,
        /// The endpoint could not be reached at all (later requests would fail the same way).
        unreachable: bool,
    },
}

/// A success answer, or a success whose body was larger than the client reads (a `Range`
/// request the store ignored): the request was allowed either way.
pub(super) enum Answer {
    /// The full answer.
    Complete(RawResponse),
    /// Allowed, but the body was not read.
    TooLarge,
}

/// One signed GET.
pub(super) struct S3Request<'a> {
    /// The URL, query included.
    pub url: Url,
    /// Extra headers to sign and send (`range`), lowercase names.
    pub headers: &'a [(&'a str, &'a str)],
}

impl S3Request<'_> {
    /// Signs and sends the request (a fresh signature for every retry), and classifies the result.
    pub async fn send(
        &self,
        http: &Http,
        credentials: &Credentials,
        region: &str,
    ) -> Result<Answer, S3Error> {
        let build = || self.signed(http, credentials, region);
        match http.send(build, Idempotency::Idempotent).await {
            Ok(response) => Ok(Answer::Complete(response)),
            Err(ClientError::InvalidResponse { status, .. }) if (200..300).contains(&status) => {
                Ok(Answer::TooLarge)
            }
            Err(ClientError::Api(api)) => Err(aws_error(&api)),
            Err(e) => Err(S3Error::Failed {
                unreachable: matches!(
                    e,
                    ClientError::Network {
                        kind: NetworkErrorKind::Connect,
                        ..
                    } | ClientError::BadUrl(_)
                ),
                message: e.to_string(),
            }),
        }
    }

    fn signed(
        &self,
        http: &Http,
        credentials: &Credentials,
        region: &str,
    ) -> Result<reqwest::RequestBuilder, ClientError> {
        let signature = sign_headers(
            &self.url,
            self.headers,
            credentials,
            region,
            SystemTime::now(),
        )
        .map_err(|e| ClientError::Missing(format!("could not sign the S3 request: {e}")))?;
        let mut builder = http.request(Method::GET, self.url.as_str())?;
        for (name, value) in self.headers {
            builder = builder.header(*name, *value);
        }
        for (name, value) in signature {
            builder = builder.header(name, value);
        }
        Ok(builder)
    }
}

/// The headers SigV4 adds to a GET of `url` with `headers`, signed at `time`: `authorization`,
/// `x-amz-date`, `x-amz-content-sha256` and, with a session token, `x-amz-security-token`.
fn sign_headers(
    url: &Url,
    headers: &[(&str, &str)],
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    let mut settings = SigningSettings::default();
    // S3 takes the path as sent (encoded once, not normalised) and wants the payload hash header.
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("s3")
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        "GET",
        url.as_str(),
        headers.iter().copied(),
        SignableBody::Bytes(&[]),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    instructions
        .into_parts()
        .0
        .into_iter()
        .map(|header| {
            let name = HeaderName::from_static(header.name());
            let mut value = HeaderValue::from_str(header.value()).map_err(|e| e.to_string())?;
            // Keeps the signature and the session token out of any Debug output of the request.
            value.set_sensitive(header.sensitive() || name == reqwest::header::AUTHORIZATION);
            Ok((name, value))
        })
        .collect()
}

/// Reads S3's code and message out of an error answer.
fn aws_error(api: &ApiError) -> S3Error {
    let parsed = xml::error_body(&api.raw_body);
    if api.status >= 500 {
        let what = parsed
            .as_ref()
            .map(|e| format!(" ({}: {})", e.code, e.message))
            .unwrap_or_default();
        return S3Error::Failed {
            message: format!("S3 answered HTTP {}{what}; try again later", api.status),
            unreachable: false,
        };
    }
    match parsed {
        Some(e) => S3Error::Aws {
            status: api.status,
            code: e.code,
            message: e.message,
            region: e.region,
            endpoint: e.endpoint,
        },
        None => S3Error::Aws {
            status: api.status,
            code: format!("HTTP {}", api.status),
            message: "the answer had no S3 error body".to_owned(),
            region: None,
            endpoint: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's worked examples for S3 (Signature Version 4, "Examples: Signature Calculations in
    /// AWS Signature Version 4", header-based auth): the same key, date and requests must give
    /// AWS's signatures, so the settings (single encoding, payload hash header) are S3's.
    #[test]
    fn signatures_match_aws_worked_examples() {
        let credentials = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        );
        // 2013-05-24T00:00:00Z
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_369_353_600);
        let auth = |url: &str, headers: &[(&str, &str)]| {
            let signed = sign_headers(
                &Url::parse(url).unwrap(),
                headers,
                &credentials,
                "us-east-1",
                time,
            )
            .unwrap();
            let value = |n: &str| {
                signed
                    .iter()
                    .find(|(name, _)| name == n)
                    .map(|(_, v)| v.to_str().unwrap().to_owned())
                    .unwrap()
            };
            assert_eq!(value("x-amz-date"), "20130524T000000Z");
            assert_eq!(
                value("x-amz-content-sha256"),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            );
            assert!(signed.iter().all(|(n, _)| n != "x-amz-security-token"));
            value("authorization")
        };
        let cred = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
        assert_eq!(
            auth(
                "https://examplebucket.s3.amazonaws.com/test.txt",
                &[("range", "bytes=0-9")]
            ),
            format!(
                "AWS4-HMAC-SHA256 {cred}, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
                 Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
            )
        );
        let bucket = Endpoint::new(Some("https://s3.amazonaws.com"), None).unwrap();
        let list = bucket
            .url(
                Some("examplebucket"),
                None,
                &[("max-keys", Some("2")), ("prefix", Some("J"))],
            )
            .unwrap();
        assert_eq!(
            auth(list.as_str(), &[]),
            format!(
                "AWS4-HMAC-SHA256 {cred}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, \
                 Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
            )
        );
        let lifecycle = bucket
            .url(Some("examplebucket"), None, &[("lifecycle", None)])
            .unwrap();
        assert_eq!(
            auth(lifecycle.as_str(), &[]),
            format!(
                "AWS4-HMAC-SHA256 {cred}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, \
                 Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
            )
        );
    }

    #[test]
    fn a_session_token_travels_in_its_header_and_the_secret_nowhere() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let credentials = Credentials::new(
            "ASIAIOSFODNN7EXAMPLE",
            secret,
            Some("FwoGZXIvYXdzEJr//////////wEaDSessionToken".to_owned()),
            None,
            "test",
        );
        let url = Url::parse("https://b.s3.amazonaws.com/").unwrap();
        let signed = sign_headers(&url, &[], &credentials, "us-east-1", SystemTime::now()).unwrap();
        let token = signed
            .iter()
            .find(|(n, _)| n == "x-amz-security-token")
            .unwrap();
        assert_eq!(
            token.1.to_str().unwrap(),
            "FwoGZXIvYXdzEJr//////////wEaDSessionToken"
        );
        assert!(token.1.is_sensitive());
        let auth = signed.iter().find(|(n, _)| n == "authorization").unwrap();
        assert!(auth.1.is_sensitive());
        assert!(auth.1.to_str().unwrap().contains("x-amz-security-token"));
        for (_, v) in &signed {
            assert!(!v.to_str().unwrap().contains(secret));
        }
    }

    #[test]
    fn region_hints_from_refusals() {
        let aws = |code: &str, region: Option<&str>, endpoint: Option<&str>| S3Error::Aws {
            status: 400,
            code: code.into(),
            message: String::new(),
            region: region.map(Into::into),
            endpoint: endpoint.map(Into::into),
        };
        assert_eq!(
            region_hint(
                &aws("AuthorizationHeaderMalformed", Some("eu-west-1"), None),
                "b"
            )
            .as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            region_hint(
                &aws(
                    "PermanentRedirect",
                    None,
                    Some("b.s3.ap-south-1.amazonaws.com")
                ),
                "b"
            )
            .as_deref(),
            Some("ap-south-1")
        );
        assert_eq!(
            region_hint(&aws("AccessDenied", Some("eu-west-1"), None), "b"),
            None
        );
    }

    #[test]
    fn aws_hosts_and_their_regions() {
        assert_eq!(
            aws_host_region("s3.amazonaws.com").as_deref(),
            Some("us-east-1")
        );
        assert_eq!(
            aws_host_region("s3.eu-west-1.amazonaws.com").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            aws_host_region("s3-ap-southeast-2.amazonaws.com").as_deref(),
            Some("ap-southeast-2")
        );
        assert_eq!(
            aws_host_region("s3.dualstack.us-west-2.amazonaws.com").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(aws_host_region("minio.example.com"), None);
        assert_eq!(aws_host_region("127.0.0.1"), None);
        assert_eq!(aws_host_region("bucket.s3.eu-west-1.amazonaws.com"), None);
    }

    #[test]
    fn default_endpoint_is_virtual_hosted_and_follows_the_bucket_region() {
        let mut e = Endpoint::new(None, None).unwrap();
        assert_eq!(e.region(), "us-east-1");
        assert_eq!(
            e.url(None, None, &[]).unwrap().as_str(),
            "https://s3.amazonaws.com/"
        );
        assert_eq!(
            e.url(Some("my-bucket"), None, &[("location", None)])
                .unwrap()
                .as_str(),
            "https://my-bucket.s3.amazonaws.com/?location"
        );
        e.set_region("eu-west-1").unwrap();
        assert_eq!(
            e.url(Some("my-bucket"), Some("in/a b+c.csv"), &[])
                .unwrap()
                .as_str(),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/in/a%20b%2Bc.csv"
        );
        // Dots would break the wildcard certificate: path style.
        assert_eq!(
            e.url(Some("my.bucket"), Some("k"), &[]).unwrap().as_str(),
            "https://s3.eu-west-1.amazonaws.com/my.bucket/k"
        );
    }

    #[test]
    fn custom_service_urls_are_path_style_and_keep_their_host() {
        let mut e = Endpoint::new(Some("http://127.0.0.1:9000"), None).unwrap();
        assert_eq!(e.region(), "us-east-1");
        e.set_region("eu-west-1").unwrap();
        assert_eq!(e.region(), "eu-west-1");
        let url = e
            .url(
                Some("b"),
                None,
                &[
                    ("list-type", Some("2")),
                    ("prefix", Some("in/dä ily/")),
                    ("max-keys", Some("100")),
                ],
            )
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9000/b?list-type=2&prefix=in%2Fd%C3%A4%20ily%2F&max-keys=100"
        );
        let with_base = Endpoint::new(Some("https://store.example.com/s3/"), Some("r1")).unwrap();
        assert_eq!(with_base.region(), "r1");
        assert_eq!(
            with_base.url(Some("b"), Some("k/x"), &[]).unwrap().as_str(),
            "https://store.example.com/s3/b/k/x"
        );
    }

    #[test]
    fn aws_service_url_gives_region_and_virtual_hosts() {
        let mut e = Endpoint::new(Some("https://s3.eu-central-1.amazonaws.com"), None).unwrap();
        assert_eq!(e.region(), "eu-central-1");
        // A given service URL is what AEP will use: the endpoint stays, only the signing region moves.
        e.set_region("eu-west-1").unwrap();
        assert_eq!(
            e.url(Some("b1"), None, &[]).unwrap().as_str(),
            "https://b1.s3.eu-central-1.amazonaws.com/"
        );
    }

    #[test]
    fn aws_error_bodies_are_read_and_5xx_is_a_failure() {
        let api = |status, body: &str| ApiError::from_response(status, body.as_bytes(), None, None);
        let denied = aws_error(&api(
            403,
            "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
        ));
        assert!(
            matches!(&denied, S3Error::Aws { code, status: 403, .. } if code == "AccessDenied"),
            "{denied:?}"
        );
        let bare = aws_error(&api(403, ""));
        assert!(
            matches!(&bare, S3Error::Aws { code, .. } if code == "HTTP 403"),
            "{bare:?}"
        );
        let busy = aws_error(&api(
            503,
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
        ));
        assert!(
            matches!(&busy, S3Error::Failed { message, unreachable: false } if message.contains("SlowDown")),
            "{busy:?}"
        );
    }
}
