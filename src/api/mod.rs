//! Clients for Adobe IMS and Flow Service.

pub mod bodies;
pub mod connection;
pub mod error;
pub mod explore;
pub mod flow;
pub mod http;
pub mod ims;
mod pacing;
pub mod platform;
pub mod sandboxes;

pub use bodies::{create_body, redacted_create_body};
pub use connection::Connection;
pub use error::{ApiError, ClientError, NetworkErrorKind};
pub use http::{Http, HttpSettings};
pub use ims::{
    AccessToken, ClientCredentials, ClientSecret, TokenCache, TokenManager, TokenOrigin,
    TokenSource,
};
pub use platform::{Listing, PlatformClient};
