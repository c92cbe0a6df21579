//! The parts of S3's XML answers the check reads: error bodies, the bucket list, a bucket's
//! location and a folder listing. Unknown elements are ignored, so S3-compatible stores that add
//! their own fields still parse.

use serde::Deserialize;

/// What an S3 error body (`<Error><Code>…</Code><Message>…</Message>…</Error>`) says.
///
/// Only these fields are read: AWS's `SignatureDoesNotMatch` body also echoes the canonical
/// request, which holds the session token, and that must never reach the user's screen or logs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ErrorBody {
    /// AWS's error code, e.g. `AccessDenied`.
    pub code: String,
    /// AWS's message.
    pub message: String,
    /// The region the bucket is in (`AuthorizationHeaderMalformed`).
    pub region: Option<String>,
    /// The endpoint to use instead (`PermanentRedirect`).
    pub endpoint: Option<String>,
}

/// Parses an error body; `None` when it is not S3's error XML (a proxy page, an empty body).
///
/// Read event by event, not as a document: the client keeps only the first 4 KiB of an error
/// body, and AWS's longest ones (`SignatureDoesNotMatch` with its byte dumps) are cut there,
/// well after the code and message.
pub(super) fn error_body(body: &str) -> Option<ErrorBody> {
    use quick_xml::events::Event;

    let mut reader = quick_xml::Reader::from_str(body.trim());
    let mut parsed = ErrorBody::default();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.is_empty() && name != "Error" {
                    return None;
                }
                path.push(name);
                text.clear();
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content().ok()?),
            Ok(Event::CData(t)) => text.push_str(&t.decode().ok()?),
            Ok(Event::GeneralRef(r)) => {
                let entity = format!("&{};", r.decode().ok()?);
                text.push_str(&quick_xml::escape::unescape(&entity).ok()?);
            }
            Ok(Event::End(_)) => {
                if path.len() == 2 {
                    let value = std::mem::take(&mut text);
                    match path[1].as_str() {
                        "Code" => parsed.code = value,
                        "Message" => parsed.message = value,
                        "Region" => parsed.region = Some(value),
                        "Endpoint" => parsed.endpoint = Some(value),
                        _ => {}
                    }
                }
                path.pop();
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    (!parsed.code.is_empty()).then_some(parsed)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ListAllMyBucketsResult {
    buckets: Buckets,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Buckets {
    #[serde(rename = "Bucket")]
    bucket: Vec<BucketEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BucketEntry {
    name: String,
}

/// The bucket names of a `ListAllMyBuckets` answer.
pub(super) fn bucket_names(body: &str) -> Result<Vec<String>, String> {
    let parsed: ListAllMyBucketsResult =
        quick_xml::de::from_str(body.trim()).map_err(|e| e.to_string())?;
    Ok(parsed.buckets.bucket.into_iter().map(|b| b.name).collect())
}

#[derive(Debug, Default, Deserialize)]
struct LocationConstraint {
    #[serde(rename = "$text", default)]
    value: String,
}

/// The region of a `GetBucketLocation` answer. S3 answers an empty element for us-east-1 and
/// the legacy `EU` for eu-west-1.
pub(super) fn bucket_region(body: &str) -> Result<String, String> {
    let parsed: LocationConstraint =
        quick_xml::de::from_str(body.trim()).map_err(|e| e.to_string())?;
    Ok(match parsed.value.trim() {
        "" | "US" => "us-east-1".to_owned(),
        "EU" => "eu-west-1".to_owned(),
        other => other.to_owned(),
    })
}

/// One object of a listing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ListedObject {
    /// The object's key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ListBucketResult {
    contents: Vec<ListedObject>,
    is_truncated: bool,
}

/// The objects of a `ListObjectsV2` page, and whether more pages follow.
pub(super) fn listing(body: &str) -> Result<(Vec<ListedObject>, bool), String> {
    let parsed: ListBucketResult =
        quick_xml::de::from_str(body.trim()).map_err(|e| e.to_string())?;
    Ok((parsed.contents, parsed.is_truncated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_keeps_code_message_and_region_but_not_the_canonical_request() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region &apos;us-east-1&apos; is wrong; expecting &apos;eu-west-1&apos;</Message><Region>eu-west-1</Region><CanonicalRequest>x-amz-security-token:TOKEN</CanonicalRequest><RequestId>R</RequestId></Error>"#;
        let e = error_body(body).unwrap();
        assert_eq!(e.code, "AuthorizationHeaderMalformed");
        assert_eq!(
            e.message,
            "the region 'us-east-1' is wrong; expecting 'eu-west-1'"
        );
        assert_eq!(e.region.as_deref(), Some("eu-west-1"));
        assert!(!format!("{e:?}").contains("TOKEN"));
    }

    #[test]
    fn a_cut_error_body_still_gives_its_code() {
        let body = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><StringToSignBytes>41 57 53 34 2d…";
        let e = error_body(body).unwrap();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert_eq!(
            e.message,
            "The request signature we calculated does not match"
        );
    }

    #[test]
    fn non_xml_error_bodies_are_none() {
        assert_eq!(error_body(""), None);
        assert_eq!(error_body("<html><body>Bad gateway</body></html>"), None);
        assert_eq!(error_body("{\"message\": \"no\"}"), None);
    }

    #[test]
    fn bucket_list() {
        let body = r#"<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><Buckets><Bucket><Name>a</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket><Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>"#;
        assert_eq!(bucket_names(body).unwrap(), ["a", "b"]);
        let empty =
            r"<ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets/></ListAllMyBucketsResult>";
        assert!(bucket_names(empty).unwrap().is_empty());
    }

    #[test]
    fn location_constraints() {
        let ns = r#"xmlns="http://s3.amazonaws.com/doc/2006-03-01/""#;
        assert_eq!(
            bucket_region(&format!(
                "<LocationConstraint {ns}>eu-central-1</LocationConstraint>"
            ))
            .unwrap(),
            "eu-central-1"
        );
        assert_eq!(
            bucket_region(&format!("<LocationConstraint {ns}/>")).unwrap(),
            "us-east-1"
        );
        assert_eq!(
            bucket_region("<LocationConstraint>EU</LocationConstraint>").unwrap(),
            "eu-west-1"
        );
        assert!(bucket_region("not xml <").is_err());
    }

    #[test]
    fn listing_pages() {
        let body = r"<ListBucketResult><Name>b</Name><Prefix>in/</Prefix><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated><Contents><Key>in/</Key><Size>0</Size></Contents><Contents><Key>in/a &amp; b.csv</Key><Size>12</Size></Contents><CommonPrefixes><Prefix>in/x/</Prefix></CommonPrefixes></ListBucketResult>";
        let (objects, truncated) = listing(body).unwrap();
        assert!(truncated);
        assert_eq!(
            objects,
            [
                ListedObject {
                    key: "in/".into(),
                    size: 0
                },
                ListedObject {
                    key: "in/a & b.csv".into(),
                    size: 12
                }
            ]
        );
        let (none, more) =
            listing("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>").unwrap();
        assert!(none.is_empty() && !more);
    }
}
