//! History records rendered for use elsewhere: "Copy as cURL" ([`curl`]) and export to CSV or
//! JSON ([`export`]). Never a secret: each renders the redacted record.

pub mod curl;
pub mod export;
