//! The five checks in order, and what each answer means for the next: the bucket list, then the
//! bucket's region and a listing of the folder, then one byte of a file the listing found.

use super::refusal::{denial, stops_everything};
use super::request::{Answer, Endpoint, S3Error, S3Request};
use super::{
    CheckOutcome, GET_BUCKET_LOCATION, GET_OBJECT, GET_OBJECT_VERSION, LIST_ALL_MY_BUCKETS,
    LIST_BUCKET, Run, body_text, present, xml,
};
use crate::api::http::{Http, header_str};

/// How many keys one listing asks for: enough to find a file past a few folder markers.
const MAX_KEYS: &str = "100";

impl Run<'_> {
    pub(super) async fn all(&mut self, http: &Http, endpoint: &mut Endpoint) {
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
}
