//! Rotating a connection's credentials: `PATCH /auth/params` guarded by `If-Match`.

mod changes;

use crate::api::flow::rotation_ops;
use crate::api::{ClientError, Connection, PlatformClient};
use crate::error::{ErrorClass, Problem};
use crate::model::S3_AUTH_SPEC_ACCESS_KEY;
use crate::ops::HistoryAccess;
use crate::secret::Secret;
use crate::store::history::{EventId, EventKind, HistoryError};
use crate::validate::{self, FieldError, FieldWarning};

pub use changes::describe_changes;
use changes::describe_list;

use super::{
    complete, complete_failed, complete_unknown, has_flow_number, lookup_failed, new_event,
    ok_result, record,
};

/// New credentials for a rotation. The secrets are only read where the request is built.
#[derive(Clone, Debug)]
pub struct NewCredentials {
    /// AWS access key ID (`AKIA…`/`ASIA…`).
    pub access_key_id: String,
    /// AWS secret access key.
    pub secret_key: Secret,
    /// Session token, for temporary (`ASIA`) keys.
    pub session_token: Option<Secret>,
}

impl NewCredentials {
    /// Checks the key pair and token by the rules of the create form; warnings never block.
    pub fn validate(&self) -> Result<Vec<FieldWarning>, Vec<FieldError>> {
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        match validate::access_key_id(&self.access_key_id) {
            Ok(w) => warnings.extend(w),
            Err(e) => errors.push(e),
        }
        match validate::secret_key(&self.secret_key) {
            Ok(w) => warnings.extend(w),
            Err(e) => errors.push(e),
        }
        if let Err(e) = validate::session_token(&self.access_key_id, self.session_token.as_ref()) {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(warnings)
        } else {
            Err(errors)
        }
    }
}

/// A rotation that took effect.
#[derive(Debug)]
pub struct RotateSuccess {
    /// Connection ID.
    pub id: String,
    /// The connection's new etag.
    pub etag: String,
    /// `x-request-id` of the PATCH; `None` when its answer was lost.
    pub request_id: Option<String>,
    /// True when the PATCH's answer was lost and reading the connection back showed it applied.
    pub confirmed_by_lookup: bool,
    /// The connection's name.
    pub name: String,
    /// Field warnings about the new key (unusual lengths).
    pub warnings: Vec<FieldWarning>,
    /// The history event recording it.
    pub event: EventId,
    /// Set when the rotation happened but completing its history event failed.
    pub history_error: Option<HistoryError>,
}

/// Why a rotation did not take effect.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// The new credentials break a rule; nothing was sent.
    #[error("{}", crate::validate::join_errors(.0))]
    Invalid(Vec<FieldError>),
    /// The connection does not use access keys, so there is no key to rotate.
    #[error(
        "connection {id} uses the auth spec \"{spec}\", not \"Access Key\": it has no access key to rotate. Nothing was changed."
    )]
    NotAccessKey {
        /// Connection ID.
        id: String,
        /// Its auth spec.
        spec: String,
    },
    /// Someone changed the connection since the caller read it (412, code 1404); nothing was
    /// changed. Show `changes`, then retry with `current` as the version seen.
    #[error(
        "connection \"{}\" ({}) was changed in AEP since it was read, so the rotation was not applied{}. Changes: {}. Check them, then rotate again against the current version.",
        .current.name, .current.id, request_suffix(.error.request_id()), describe_list(.changes)
    )]
    Stale {
        /// The connection as it is now, with the fresh etag.
        current: Box<Connection>,
        /// What differs from the version the caller last saw, in words.
        changes: Vec<String>,
        /// Adobe's 412.
        error: ClientError,
    },
    /// The history could not record the rotation, so nothing was sent.
    #[error("could not record the rotation in the history, so nothing was sent: {0}")]
    Store(HistoryError),
    /// Adobe or the network said no.
    #[error("{0}")]
    Client(ClientError),
    /// The PATCH's answer was lost, and AEP still shows another access key than the new one:
    /// the rotation was not applied (whatever else changed meanwhile).
    #[error(
        "{error}\nThe answer was lost, and AEP still shows access key {shown} on connection {id}, not {new}: the rotation was not applied. Keep the old AWS key active, and rotate again."
    )]
    NotApplied {
        /// Connection ID.
        id: String,
        /// The PATCH's own failure.
        error: ClientError,
        /// The access key ID AEP shows (as it masks it).
        shown: String,
        /// The new access key ID.
        new: String,
    },
    /// The PATCH's answer was lost, and what AEP shows cannot tell whether it was applied (the
    /// access key ID is the same, or looks the same masked, before and after).
    #[error(
        "{error}\nThe answer was lost, and AEP shows the access key of connection {id} as {shown} both before and after, so whether the credentials were replaced cannot be read back (AEP never shows the secret key). Rotating again with the same credentials is safe."
    )]
    Unverified {
        /// Connection ID.
        id: String,
        /// The PATCH's own failure.
        error: ClientError,
        /// The access key ID AEP shows.
        shown: String,
    },
    /// The PATCH's answer was lost and reading the connection back failed too.
    #[error(
        "{error}\nThe credentials of connection {id} may or may not have been replaced: reading the connection back failed too ({lookup}). Check it with `aep-s3-connect connections show {id}` before rotating again."
    )]
    OutcomeUnknown {
        /// Connection ID.
        id: String,
        /// The PATCH's own failure.
        error: ClientError,
        /// Why the read-back failed.
        lookup: ClientError,
    },
}

impl Problem for RotateError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Invalid(_) | Self::NotAccessKey { .. } => ErrorClass::Input,
            Self::Stale { .. } => ErrorClass::Rejected,
            Self::Store(_) => ErrorClass::Local,
            Self::Client(e) => e.class(),
            Self::OutcomeUnknown { .. } | Self::NotApplied { .. } | Self::Unverified { .. } => {
                ErrorClass::Unavailable
            }
        }
    }

    fn behind(&self) -> Option<&dyn Problem> {
        match self {
            Self::Stale { error, .. }
            | Self::Client(error)
            | Self::OutcomeUnknown { error, .. }
            | Self::NotApplied { error, .. }
            | Self::Unverified { error, .. } => Some(error),
            Self::Store(e) => Some(e),
            Self::Invalid(_) | Self::NotAccessKey { .. } => None,
        }
    }

    fn summary(&self) -> String {
        match self {
            Self::Client(e) => e.summary(),
            other => other.to_string(),
        }
    }
}

/// Replaces connection `id`'s credentials with `credentials`.
///
/// `seen` is the version the user looked at and confirmed: its etag goes in `If-Match`, so a
/// connection changed since answers 412 and comes back as [`RotateError::Stale`] with the list
/// of changes. Without `seen`, the version read just before the PATCH is used. The bucket,
/// folder and service URL are carried over from a fresh read; the masked secrets never are.
pub async fn rotate(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    profile: &str,
    id: &str,
    seen: Option<&Connection>,
    credentials: &NewCredentials,
) -> Result<RotateSuccess, RotateError> {
    let warnings = credentials.validate().map_err(RotateError::Invalid)?;
    let rotation = Rotation {
        profile,
        id,
        seen,
        credentials,
        token_only: false,
    };
    rotate_as(history, client, &rotation, warnings).await
}

/// [`rotate`] of the session token alone: `credentials` holds the connection's access key ID
/// (unchanged) and the new token; the secret key is neither needed nor sent (`PATCH` of
/// `/auth/params/s3SessionToken`). AEP never shows the token, so a lost answer cannot be read
/// back: it ends as [`RotateError::Unverified`] (sending the same token again is safe).
pub async fn rotate_session_token(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    profile: &str,
    id: &str,
    seen: Option<&Connection>,
    credentials: &NewCredentials,
) -> Result<RotateSuccess, RotateError> {
    if credentials
        .session_token
        .as_ref()
        .is_none_or(|t| t.expose().trim().is_empty())
    {
        return Err(RotateError::Invalid(vec![FieldError {
            field: validate::Field::SessionToken,
            rule: "a new session token is needed to replace the session token".to_owned(),
        }]));
    }
    let rotation = Rotation {
        profile,
        id,
        seen,
        credentials,
        token_only: true,
    };
    rotate_as(history, client, &rotation, Vec::new()).await
}

/// One rotation as [`rotate`] and [`rotate_session_token`] ask for it.
struct Rotation<'a> {
    /// The app profile recorded with it.
    profile: &'a str,
    /// The connection.
    id: &'a str,
    /// The version the user saw (its etag goes in `If-Match`), else the current one.
    seen: Option<&'a Connection>,
    /// The new key.
    credentials: &'a NewCredentials,
    /// Send the session token alone.
    token_only: bool,
}

/// [`rotate`] and [`rotate_session_token`]: the PATCH, journaled as a rotation event, its lost
/// answer settled by reading back.
async fn rotate_as(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    rotation: &Rotation<'_>,
    warnings: Vec<FieldWarning>,
) -> Result<RotateSuccess, RotateError> {
    let &Rotation {
        profile,
        id,
        seen,
        credentials,
        token_only,
    } = rotation;
    let current = access_key_connection(client, id).await?;
    let before = seen.unwrap_or(&current);
    let etag = before
        .etag
        .clone()
        .or_else(|| current.etag.clone())
        .unwrap_or_default();
    // Holds the new secrets: zeroized when this returns.
    let ops = crate::secret::SecretJson(match (&credentials.session_token, token_only) {
        (Some(token), true) => crate::api::bodies::session_token_ops(token),
        _ => rotation_ops(
            &current,
            &credentials.access_key_id,
            &credentials.secret_key,
            credentials.session_token.as_ref(),
        ),
    });
    let event = record(
        history,
        new_event(
            client,
            profile,
            id,
            EventKind::Rotate,
            Some(&before.name),
            Some(&credentials.access_key_id),
        ),
    )
    .await
    .map_err(RotateError::Store)?;
    let (etag, request_id, confirmed) = match client.patch_connection_full(id, &etag, &ops).await {
        Ok(patched) => (patched.etag, patched.request_id, false),
        Err(error) => {
            let patch = FailedPatch {
                event,
                id,
                before,
                current: &current,
                credentials,
            };
            (patch.settle(history, client, error).await?, None, true)
        }
    };
    let history_error = complete(history, event, ok_result(&etag, &request_id)).await;
    Ok(RotateSuccess {
        id: id.to_owned(),
        etag,
        request_id,
        confirmed_by_lookup: confirmed,
        name: before.name.clone(),
        warnings,
        event,
        history_error,
    })
}

/// Connection `id` as it is now, when it uses access keys (else there is nothing to rotate).
async fn access_key_connection(
    client: &PlatformClient,
    id: &str,
) -> Result<Connection, RotateError> {
    let current = client
        .get_connection(id)
        .await
        .map_err(RotateError::Client)?;
    if let Some(spec) = current
        .auth_spec_name()
        .filter(|s| *s != S3_AUTH_SPEC_ACCESS_KEY)
    {
        return Err(RotateError::NotAccessKey {
            id: id.to_owned(),
            spec: spec.to_owned(),
        });
    }
    Ok(current)
}

/// A rotation's `PATCH` that got no success answer, and what is needed to tell what it did.
struct FailedPatch<'a> {
    event: EventId,
    id: &'a str,
    /// The version the user confirmed.
    before: &'a Connection,
    /// The version read just before the `PATCH`.
    current: &'a Connection,
    credentials: &'a NewCredentials,
}

impl FailedPatch<'_> {
    /// The connection's new etag when the `PATCH` was applied after all (its answer was lost and
    /// AEP shows the new key), else why it was not or cannot be known; the event is completed
    /// accordingly (a success is completed by the caller).
    async fn settle(
        &self,
        history: &impl HistoryAccess,
        client: &PlatformClient,
        error: ClientError,
    ) -> Result<String, RotateError> {
        let (event, id) = (self.event, self.id);
        if is_stale(&error) {
            complete_failed(
                history,
                event,
                &error,
                "the connection was changed since it was read",
            )
            .await;
            let fresh = client
                .get_connection(id)
                .await
                .map_err(|_| RotateError::Client(error.clone()))?;
            let changes = describe_changes(self.before, &fresh);
            return Err(RotateError::Stale {
                current: Box::new(fresh),
                changes,
                error,
            });
        }
        if !error.is_ambiguous() {
            complete_failed(history, event, &error, "").await;
            return Err(RotateError::Client(error));
        }
        // The PATCH may or may not have been applied: read the connection back. A new etag
        // proves nothing (someone else may have edited it meanwhile); only the new key shown
        // does.
        let after = match client.get_connection(id).await {
            Ok(after) => after,
            Err(lookup) => {
                complete_unknown(history, event, &error, lookup_failed(&error, &lookup)).await;
                return Err(RotateError::OutcomeUnknown {
                    id: id.to_owned(),
                    error,
                    lookup,
                });
            }
        };
        let shown = after
            .auth_param("s3AccessKey")
            .unwrap_or("(none)")
            .to_owned();
        match read_back(self.current, &after, self.credentials) {
            ReadBack::Applied => Ok(after.etag.clone().unwrap_or_default()),
            ReadBack::NotApplied => {
                let note = format!(
                    "reading the connection back showed access key {shown}, not the new one"
                );
                complete_failed(history, event, &error, &note).await;
                Err(RotateError::NotApplied {
                    id: id.to_owned(),
                    error,
                    shown,
                    new: self.credentials.access_key_id.clone(),
                })
            }
            ReadBack::CannotTell => {
                let failure = RotateError::Unverified {
                    id: id.to_owned(),
                    error: error.clone(),
                    shown,
                };
                complete_unknown(history, event, &error, failure.to_string()).await;
                Err(failure)
            }
        }
    }
}

/// What reading a connection back after a lost `PATCH` answer tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReadBack {
    /// AEP shows the new key (and a session token exactly when one was sent), and did not
    /// before: applied.
    Applied,
    /// AEP shows another key, or the session token's presence disagrees: not applied.
    NotApplied,
    /// AEP showed a key indistinguishable from the new one before the PATCH too.
    CannotTell,
}

/// Decides a lost rotation from the connection before the `PATCH` and after it.
fn read_back(before: &Connection, after: &Connection, credentials: &NewCredentials) -> ReadBack {
    let new = credentials.access_key_id.as_str();
    let token_as_sent =
        after.auth_param("s3SessionToken").is_some() == credentials.session_token.is_some();
    if !after.shows_access_key(new) {
        ReadBack::NotApplied
    } else if before.shows_access_key(new) {
        ReadBack::CannotTell
    } else if token_as_sent {
        ReadBack::Applied
    } else {
        ReadBack::NotApplied
    }
}

/// True for Adobe's "someone changed it" answer to a PATCH: 412, code 1404.
pub fn is_stale(error: &ClientError) -> bool {
    error.status() == Some(412) || error.code().is_some_and(|c| has_flow_number(c, "1404"))
}

fn request_suffix(request_id: Option<&str>) -> String {
    request_id
        .map(|r| format!(" (request ID {r})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_key(key: &str, token: bool) -> Connection {
        let mut params = json!({"s3AccessKey": key, "s3SecretKey": "***"});
        if token {
            params["s3SessionToken"] = json!("***");
        }
        conn(json!({"id": "c", "name": "n", "auth": {"specName": "Access Key", "params": params}}))
    }

    /// Regression: a lost PATCH answer plus someone else's edit (a new etag "by our client")
    /// was taken for a rotation. Only the new key shown by AEP is.
    #[test]
    fn a_lost_rotation_is_decided_by_the_key_aep_shows() {
        let new = NewCredentials {
            access_key_id: "AKIAI44QH8DHBEXAMPL2".into(),
            secret_key: Secret::new("s"),
            session_token: None,
        };
        let old = with_key("AKIA************MPLE", false);
        let rotated = with_key("AKIA************MPL2", false);
        assert_eq!(read_back(&old, &rotated, &new), ReadBack::Applied);
        assert_eq!(read_back(&old, &old, &new), ReadBack::NotApplied);
        assert_eq!(read_back(&rotated, &rotated, &new), ReadBack::CannotTell);
        let with_token = with_key("AKIA************MPL2", true);
        assert_eq!(read_back(&old, &with_token, &new), ReadBack::NotApplied);
    }
    use serde_json::json;

    fn conn(value: serde_json::Value) -> Connection {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn changes_name_the_fields_that_differ() {
        let before = conn(json!({
            "id": "c", "name": "Old", "state": "enabled", "etag": "\"1\"", "updatedAt": 1,
            "updatedBy": "me",
            "auth": {"specName": "Access Key", "params": {"bucketName": "b", "s3AccessKey": "AKIA****AAAA"}}
        }));
        let after = conn(json!({
            "id": "c", "name": "New", "state": "disabled", "etag": "\"2\"", "updatedAt": 2,
            "updatedBy": "you", "updatedClient": "other-client",
            "auth": {"specName": "Access Key", "params": {"bucketName": "b2", "s3AccessKey": "AKIA****BBBB", "s3SessionToken": "***"}}
        }));
        let changes = describe_changes(&before, &after);
        let text = changes.join("\n");
        for expected in [
            "name: \"Old\" -> \"New\"",
            "state: \"enabled\" -> \"disabled\"",
            "bucket: \"b\" -> \"b2\"",
            "access key ID",
            "session token: added",
            "by you (client other-client)",
        ] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
        let same_but_new_etag = conn(json!({"id": "c", "name": "Old", "state": "enabled",
            "etag": "\"3\"", "updatedAt": 1, "updatedBy": "me",
            "auth": {"specName": "Access Key", "params": {"bucketName": "b", "s3AccessKey": "AKIA****AAAA"}}}));
        let changes = describe_changes(&before, &same_but_new_etag);
        assert_eq!(changes.len(), 1);
        assert!(changes[0].contains("new version"), "{changes:?}");
        assert!(describe_changes(&before, &before).is_empty());
    }

    #[test]
    fn flow_codes_are_recognised_in_both_spellings() {
        assert!(has_flow_number("FLOW-1418-400", "1418"));
        assert!(has_flow_number("1418", "1418"));
        assert!(!has_flow_number("FLOW-14180-400", "1418"));
        assert!(has_flow_number("FLOW-1404-412", "1404"));
    }
}
