//! Every S3 connection of the organisation: each sandbox the credential can use (AEP's sandbox
//! API), listed to its last page a few sandboxes at a time and merged with the history, the
//! same way as one sandbox ([`super::connections_view`]). A sandbox whose list fails keeps its
//! reason beside the others' rows: one sandbox answering 403 or 503 never hides the rest.

use futures_util::StreamExt;
use serde::Serialize;

use super::{ConnectionsView, InspectError, MergedConnection, connections_view};
use crate::api::platform::PlatformClient;
use crate::api::sandboxes::Sandbox;
use crate::api::{ClientError, Connection};
use crate::error::{ErrorClass, Problem};
use crate::ops::HistoryAccess;

/// How many sandboxes are listed at once: each list is a series of page requests, so a few
/// in flight cut the wait roughly that many times without crowding Adobe's rate limit.
pub const SANDBOXES_AT_ONCE: usize = 4;

/// One sandbox's part of the organisation's list.
#[derive(Debug)]
pub struct SandboxConnections {
    /// The sandbox, as the sandbox API listed it (its type decides production).
    pub sandbox: Sandbox,
    /// Its connections merged with the history: every one when [`Self::failure`] is `None`,
    /// else the part read before the list stopped (none when its first page failed).
    pub rows: Vec<MergedConnection>,
    /// Why its list is missing or incomplete.
    pub failure: Option<InspectError>,
}

impl SandboxConnections {
    /// True when the sandbox's whole list was read.
    pub fn is_complete(&self) -> bool {
        self.failure.is_none()
    }
}

/// The sandboxes' lists, in the sandbox API's order.
#[derive(Debug)]
pub struct OrgConnections {
    /// One entry per sandbox the credential can use.
    pub sandboxes: Vec<SandboxConnections>,
}

impl OrgConnections {
    /// The sandboxes whose list failed or stopped early, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&Sandbox, &InspectError)> {
        self.sandboxes
            .iter()
            .filter_map(|s| Some((&s.sandbox, s.failure.as_ref()?)))
    }

    /// The failure a script should see: the first sandbox's that could be worth a retry
    /// (network, 5xx, a timeout), else the first one's. `None` when every list is whole.
    pub fn worst_failure(&self) -> Option<(&Sandbox, &InspectError)> {
        self.failures()
            .find(|(_, e)| e.class() == ErrorClass::Unavailable)
            .or_else(|| self.failures().next())
    }

    /// Every connection read, with its sandbox.
    pub fn rows(&self) -> impl Iterator<Item = (&Sandbox, &MergedConnection)> {
        self.sandboxes
            .iter()
            .flat_map(|s| s.rows.iter().map(move |row| (&s.sandbox, row)))
    }

    /// The connections AEP listed (made here or elsewhere), with their sandbox.
    pub fn remote(&self) -> impl Iterator<Item = (&Sandbox, &Connection)> {
        self.rows()
            .filter_map(|(sandbox, row)| Some((sandbox, row.remote.as_ref()?)))
    }

    /// The connections whose `auth.params.s3AccessKey`, as AEP shows it, is `access_key_id`.
    pub fn using_key(&self, access_key_id: &str) -> Vec<KeyInAep> {
        let key = access_key_id.trim();
        self.remote()
            .filter(|(_, c)| c.shows_access_key(key))
            .map(|(sandbox, c)| KeyInAep {
                sandbox: sandbox.name.clone(),
                production: sandbox.is_production(),
                connection_id: c.id.clone(),
                name: c.name.clone(),
                etag: c.etag.clone(),
                shown_in_full: c.auth_param("s3AccessKey") == Some(key),
            })
            .collect()
    }
}

/// A connection AEP lists with a given access key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInAep {
    /// Its sandbox.
    pub sandbox: String,
    /// Whether that sandbox is production (by its type).
    pub production: bool,
    /// Connection ID.
    pub connection_id: String,
    /// Its name.
    pub name: String,
    /// Its etag as listed.
    pub etag: Option<String>,
    /// True when AEP shows the key in full; false when only as AEP masks it
    /// (`AKIA************MPLE`): the visible characters match, the hidden ones cannot be told.
    pub shown_in_full: bool,
}

/// Lists every active sandbox's S3 connections ([`SANDBOXES_AT_ONCE`] at a time), each merged
/// with the history. Only the sandbox list failing is an error; a sandbox that fails is kept
/// with its reason.
pub async fn org_connections(
    history: &impl HistoryAccess,
    client: &PlatformClient,
) -> Result<OrgConnections, ClientError> {
    org_connections_in(history, client, None).await
}

/// [`org_connections`] of the sandboxes named in `only` (all active ones when `None`), in the
/// sandbox API's order.
pub async fn org_connections_in(
    history: &impl HistoryAccess,
    client: &PlatformClient,
    only: Option<&[String]>,
) -> Result<OrgConnections, ClientError> {
    let sandboxes: Vec<Sandbox> = client
        .list_sandboxes()
        .await?
        .into_iter()
        .filter(Sandbox::is_active)
        .filter(|s| only.is_none_or(|names| names.contains(&s.name)))
        .collect();
    let sandboxes = futures_util::stream::iter(sandboxes)
        .map(|sandbox| async move {
            let listed = connections_view(history, &client.in_sandbox(&sandbox.name)).await;
            let (rows, failure) = match listed {
                Ok(ConnectionsView { rows, cut_short }) => (rows, cut_short.map(Into::into)),
                Err(e) => (Vec::new(), Some(e)),
            };
            SandboxConnections {
                sandbox,
                rows,
                failure,
            }
        })
        .buffered(SANDBOXES_AT_ONCE)
        .collect()
        .await;
    Ok(OrgConnections { sandboxes })
}
