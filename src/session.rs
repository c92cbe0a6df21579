//! The client-building helpers under their first path; they live in [`crate::ops::token`].

pub use crate::ops::token::{client_with_cache, keyring_token_cache, token_cache_scope};
