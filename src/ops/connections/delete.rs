//! Deleting a connection, with the plain-language answer for one a dataflow uses (code 1418).

use crate::api::{ClientError, PlatformClient};
use crate::error::{ErrorClass, Problem};
use crate::ops::HistoryAccess;
use crate::store::history::{EventId, EventKind, HistoryError};

use super::{
    complete, complete_failed, complete_unknown, has_flow_number, lookup_failed, new_event,
    ok_result, record,
};

/// What to do about a connection a dataflow uses (the hint of [`DeleteError::InUse`]).
pub const IN_USE_FIX: &str = "in the AEP UI, open Sources > Dataflows, find the dataflows that use this account, and delete them (or switch them to another account); then delete the connection again.";

/// True for "the connection is used by a dataflow" (code 1418).
pub fn is_in_use(error: &ClientError) -> bool {
    error.code().is_some_and(|c| has_flow_number(c, "1418"))
}

/// A deletion that took effect.
#[derive(Debug)]
pub struct DeleteSuccess {
    /// `x-request-id` of the DELETE, when its answer arrived.
    pub request_id: Option<String>,
    /// True when the DELETE's answer was lost and reading the connection back found it gone.
    pub confirmed_by_lookup: bool,
    /// The history event.
    pub event: EventId,
    /// Set when the deletion happened but completing its history event failed.
    pub history_error: Option<HistoryError>,
}

/// Why a deletion did not take effect.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    /// A dataflow uses the connection (code 1418): AEP keeps it.
    #[error("{}", in_use_message(.id, .name.as_deref(), .error))]
    InUse {
        /// Connection ID.
        id: String,
        /// Its name, when known.
        name: Option<String>,
        /// Adobe's answer.
        error: ClientError,
    },
    /// The history could not record the deletion, so nothing was sent.
    #[error("could not record the deletion in the history, so nothing was sent: {0}")]
    Store(HistoryError),
    /// Adobe or the network said no.
    #[error("{0}")]
    Client(ClientError),
    /// The DELETE's answer was lost and reading the connection back failed too.
    #[error(
        "{error}\nConnection {id} may or may not have been deleted: reading it back failed too ({lookup}). Check with `aep-s3-connect connections show {id}` before deleting again."
    )]
    OutcomeUnknown {
        /// Connection ID.
        id: String,
        /// The DELETE's own failure.
        error: ClientError,
        /// Why the read-back failed.
        lookup: ClientError,
    },
}

impl Problem for DeleteError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::InUse { error, .. } | Self::Client(error) => error.class(),
            Self::OutcomeUnknown { .. } => ErrorClass::Unavailable,
            Self::Store(_) => ErrorClass::Local,
        }
    }

    fn behind(&self) -> Option<&dyn Problem> {
        match self {
            Self::InUse { error, .. }
            | Self::Client(error)
            | Self::OutcomeUnknown { error, .. } => Some(error),
            Self::Store(e) => Some(e),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::InUse { .. } => Some(IN_USE_FIX.to_owned()),
            other => other.behind().and_then(Problem::hint),
        }
    }
}

/// The message for a connection a dataflow uses: what happened, why, what to do.
pub fn in_use_message(id: &str, name: Option<&str>, error: &ClientError) -> String {
    let what = match name {
        Some(n) => format!("connection \"{n}\" ({id})"),
        None => format!("connection {id}"),
    };
    let code = error
        .code()
        .map_or_else(|| "code 1418".to_owned(), |c| format!("code {c}"));
    let request = error
        .request_id()
        .map(|r| format!(", request ID {r}"))
        .unwrap_or_default();
    format!(
        "AEP did not delete {what}: it is used by one or more dataflows ({code}{request}). \
         Nothing was changed.\nWhat to do: {IN_USE_FIX}"
    )
}

/// Deletes connection `id` (`name`, when known, goes into the history and the messages).
pub async fn delete(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    profile: &str,
    id: &str,
    name: Option<&str>,
) -> Result<DeleteSuccess, DeleteError> {
    let event = record(
        history,
        new_event(client, profile, id, EventKind::Delete, name, None),
    )
    .await
    .map_err(DeleteError::Store)?;
    let error = match client.delete_connection(id).await {
        Ok(request_id) => {
            let history_error = complete(history, event, ok_result("", &request_id)).await;
            return Ok(DeleteSuccess {
                request_id,
                confirmed_by_lookup: false,
                event,
                history_error,
            });
        }
        Err(error) => error,
    };
    if is_in_use(&error) {
        complete_failed(history, event, &error, "used by a dataflow").await;
        return Err(DeleteError::InUse {
            id: id.to_owned(),
            name: name.map(str::to_owned),
            error,
        });
    }
    if !error.is_ambiguous() {
        complete_failed(history, event, &error, "").await;
        return Err(DeleteError::Client(error));
    }
    // The DELETE may have been applied: a connection that is gone now was deleted.
    match client.get_connection(id).await {
        Err(lookup) if lookup.status() == Some(404) => {
            let history_error = complete(history, event, ok_result("", &None)).await;
            Ok(DeleteSuccess {
                request_id: None,
                confirmed_by_lookup: true,
                event,
                history_error,
            })
        }
        Ok(_) => {
            complete_failed(
                history,
                event,
                &error,
                "reading the connection back showed it still exists",
            )
            .await;
            Err(DeleteError::Client(error))
        }
        Err(lookup) => {
            complete_unknown(history, event, &error, lookup_failed(&error, &lookup)).await;
            Err(DeleteError::OutcomeUnknown {
                id: id.to_owned(),
                error,
                lookup,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_use_message_says_what_to_do() {
        let error = ClientError::Api(Box::new(crate::api::ApiError::from_response(
            400,
            br#"{"type": "https://ns.adobe.com/aep/errors/FLOW-1418-400", "errorMessage": "used"}"#,
            Some("req-9".into()),
            None,
        )));
        assert!(is_in_use(&error));
        let text = in_use_message("c1", Some("inuse feed"), &error);
        assert!(text.contains("dataflow") && text.contains("Sources > Dataflows"));
        assert!(text.contains("req-9") && text.contains("\"inuse feed\""));
    }
}
