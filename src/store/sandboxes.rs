//! The sandboxes AEP's sandbox API last listed for each organisation, kept in
//! `sandboxes.json` in the data dir: so that a production sandbox is marked from the first frame
//! and in commands that do not ask AEP (`profile list`), by its type rather than its name.
//!
//! Every answer of the sandbox API replaces its organisation's entry. A sandbox's type is fixed
//! when it is made, so a list read days ago still tells it; a sandbox missing from the list is
//! decided by name ([`sandbox_kind`]). A file that cannot be read is treated as empty (said in
//! the log): it only ever makes the answer fall back to the name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::sandboxes::{Sandbox, SandboxKind, sandbox_kind};
use crate::model::{EpochMs, platform_key};

/// One organisation's sandboxes, as last listed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgSandboxes {
    /// When the sandbox API answered, epoch ms.
    pub read_at_ms: EpochMs,
    /// Its answer.
    pub sandboxes: Vec<Sandbox>,
}

/// The sandboxes of every organisation the sandbox API was asked about, by platform and org.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownSandboxes {
    orgs: BTreeMap<String, OrgSandboxes>,
}

impl KnownSandboxes {
    fn key(platform_url: &str, org_id: &str) -> String {
        format!("{} {org_id}", platform_key(platform_url))
    }

    /// The file's contents; an absent or unreadable file is an empty list (logged).
    pub fn load(path: &Path) -> Self {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "ignoring an unreadable sandbox list");
                Self::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "could not read the sandbox list");
                Self::default()
            }
        }
    }

    /// Writes the file atomically (a temp file renamed over it).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        std::fs::create_dir_all(&dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
        serde_json::to_writer_pretty(&mut tmp, self).map_err(std::io::Error::other)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Records the sandbox API's answer for an organisation on a platform.
    pub fn record(&mut self, platform_url: &str, org_id: &str, sandboxes: Vec<Sandbox>) {
        self.orgs.insert(
            Self::key(platform_url, org_id),
            OrgSandboxes {
                read_at_ms: EpochMs::now(),
                sandboxes,
            },
        );
    }

    /// The organisation's sandboxes as last listed, if the API was ever asked.
    pub fn listed(&self, platform_url: &str, org_id: &str) -> Option<&OrgSandboxes> {
        self.orgs.get(&Self::key(platform_url, org_id))
    }

    /// Whether `sandbox` of that organisation is production ([`sandbox_kind`] on the list).
    pub fn kind(&self, platform_url: &str, org_id: &str, sandbox: &str) -> SandboxKind {
        let listed = self.listed(platform_url, org_id);
        sandbox_kind(sandbox, listed.map(|o| o.sandboxes.as_slice()))
    }
}

/// Records `sandboxes` in the file at `path` (read, updated, written back); a failure is logged:
/// the list is a convenience, and the next answer writes it again.
pub fn remember(path: &Path, platform_url: &str, org_id: &str, sandboxes: &[Sandbox]) {
    let mut known = KnownSandboxes::load(path);
    known.record(platform_url, org_id, sandboxes.to_vec());
    if let Err(e) = known.save(path) {
        tracing::warn!(path = %path.display(), error = %e, "could not save the sandbox list");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::sandboxes::KindBasis;

    #[test]
    fn a_listed_type_wins_over_the_name_across_spellings_of_the_platform() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sandboxes.json");
        let live: Sandbox =
            serde_json::from_str(r#"{"name": "live", "type": "production"}"#).unwrap();
        remember(&path, "https://platform.adobe.io", "O@AdobeOrg", &[live]);
        let known = KnownSandboxes::load(&path);
        let kind = known.kind("HTTPS://platform.adobe.io/", "O@AdobeOrg", "live");
        assert!(kind.production);
        assert_eq!(kind.basis, KindBasis::SandboxApi);
        let other_org = known.kind("https://platform.adobe.io", "P@AdobeOrg", "live");
        assert!(!other_org.production);
        assert_eq!(other_org.basis, KindBasis::Name);
        std::fs::write(&path, "not json").unwrap();
        assert_eq!(KnownSandboxes::load(&path), KnownSandboxes::default());
    }
}
