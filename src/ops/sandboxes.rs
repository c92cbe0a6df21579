//! The sandboxes a credential may use, read from AEP's sandbox API and remembered in the data
//! dir ([`crate::store::sandboxes`]), and whether the client's sandbox is production: the one
//! rule ([`sandbox_kind`]) on the freshest list there is.

use std::path::Path;

use crate::api::sandboxes::{Sandbox, SandboxKind, sandbox_kind};
use crate::api::{ClientError, PlatformClient};
use crate::store::sandboxes::{KnownSandboxes, remember};

/// The sandboxes the client's credential may use, from AEP; the answer is remembered in `file`
/// for views that do not ask (the first frame, `profile list`).
pub async fn list(client: &PlatformClient, file: &Path) -> Result<Vec<Sandbox>, ClientError> {
    let sandboxes = client.list_sandboxes().await?;
    let t = client.target();
    remember(file, &t.platform_url, &t.org_id, &sandboxes);
    Ok(sandboxes)
}

/// Whether the client's sandbox is production: by AEP's answer now, else by the list last
/// remembered in `file`, else by its name.
pub async fn kind_now(client: &PlatformClient, file: &Path) -> SandboxKind {
    let sandbox = std::slice::from_ref(&client.target().sandbox);
    kinds_now(client, file, sandbox).await[0]
}

/// [`kind_now`] for each of `names` (sandboxes of the client's org), with one request.
pub async fn kinds_now(client: &PlatformClient, file: &Path, names: &[String]) -> Vec<SandboxKind> {
    let t = client.target();
    match list(client, file).await {
        Ok(sandboxes) => names
            .iter()
            .map(|name| sandbox_kind(name, Some(&sandboxes)))
            .collect(),
        Err(e) => {
            tracing::info!(error = %e, "the sandbox API could not be asked; using what is known");
            let known = KnownSandboxes::load(file);
            names
                .iter()
                .map(|name| known.kind(&t.platform_url, &t.org_id, name))
                .collect()
        }
    }
}
