//! What a refusal or failure means: whether every later request would fare the same, and what
//! the user can do about it.

use super::CheckOutcome;
use super::request::S3Error;

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
pub(super) fn stops_everything(error: &S3Error) -> bool {
    match error {
        S3Error::Aws { code, .. } => CREDENTIAL_CODES.contains(&code.as_str()),
        S3Error::Failed { unreachable, .. } => *unreachable,
    }
}

/// The outcome and detail for a refused or failed request.
pub(super) fn denial(permission: &str, error: &S3Error) -> (CheckOutcome, String) {
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
    use crate::s3check::{GET_OBJECT, LIST_ALL_MY_BUCKETS};

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
