//! Something the worker is asked for: not yet, on its way, here, or failed.

use crate::worker::ErrorView;

/// Something loading, loaded or failed.
#[derive(Clone, Debug, Default)]
pub enum Loadable<T> {
    /// Not asked for.
    #[default]
    Idle,
    /// Asked for.
    Loading,
    /// Here.
    Ready(T),
    /// Failed.
    Failed(ErrorView),
}

impl<T> Loadable<T> {
    /// The worker's answer.
    pub fn from_result(result: Result<T, ErrorView>) -> Self {
        match result {
            Ok(value) => Self::Ready(value),
            Err(e) => Self::Failed(e),
        }
    }
}
