//! Clients for Adobe IMS and Flow Service.

pub mod error;
pub mod explore;
pub mod flow;
pub mod http;
pub mod ims;
pub mod sandboxes;

pub use error::{ApiError, ClientError, NetworkErrorKind};
pub use flow::{Connection, PlatformClient, create_body, redacted_create_body};
pub use http::{Http, HttpSettings};
pub use ims::{
    AccessToken, ClientCredentials, ClientSecret, TokenCache, TokenManager, TokenSource,
};
