//! The attempts of one create sent to several sandboxes, tied by a batch ID: what running the
//! same create again goes on with.

use rusqlite::{OptionalExtension, params};

use super::types::Attempt;
use super::{HistoryError, HistoryStore, query};

impl HistoryStore {
    /// The attempts of `batch`, newest first.
    pub fn batch(&self, batch: &str) -> Result<Vec<Attempt>, HistoryError> {
        let sql = format!(
            "{} WHERE batch_id = ?1 ORDER BY started_at_ms DESC, id DESC",
            query::SELECT_ATTEMPT
        );
        let attempts = self
            .conn
            .prepare_cached(&sql)?
            .query_map([batch], query::attempt_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(attempts)
    }

    /// The newest batch that created `name` on (`platform_url`, `org_id`), with its attempts:
    /// what running the same create again goes on with.
    pub fn latest_batch_of(
        &self,
        platform_url: &str,
        org_id: &str,
        name: &str,
    ) -> Result<Option<(String, Vec<Attempt>)>, HistoryError> {
        let batch: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT batch_id FROM attempts WHERE batch_id IS NOT NULL AND name = ?1 \
                 AND org_id = ?2 AND platform_url = ?3 ORDER BY started_at_ms DESC, id DESC LIMIT 1",
            )?
            .query_row(params![name, org_id, platform_url], |row| row.get(0))
            .optional()?;
        match batch {
            Some(batch) => {
                let attempts = self.batch(&batch)?;
                Ok(Some((batch, attempts)))
            }
            None => Ok(None),
        }
    }
}
