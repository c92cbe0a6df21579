//! The API client against the emulator over real loopback HTTP: exact requests, every error shape,
//! token caching and renewal, retries, and no duplicate after an ambiguous failure.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aep_s3_connect::api::{
    AccessToken, ClientCredentials, ClientError, Http, HttpSettings, NetworkErrorKind,
    PlatformClient, TokenCache, TokenManager, TokenSource,
};
use aep_s3_connect::cli::ToExit as _;
use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_ORG_ID, Emulator, EmulatorConfig, Fault, FaultRoute,
};
use aep_s3_connect::model::{S3_CONNECTION_SPEC_ID, S3ConnectionInput, Target};
use aep_s3_connect::secret::Secret;
use serde_json::{Value, json};

const CREATE_PATH: &str = "/data/foundation/flowservice/connections";

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

// The client is built as every test builds it (tests/it/common): only the pieces vary here.
use crate::common::test_http_settings as settings;

fn target(emu: &Emulator) -> Target {
    crate::common::demo_target(&emu.base_url(), "prod")
}

fn creds(emu: &Emulator) -> ClientCredentials {
    crate::common::demo_credentials(&emu.base_url())
}

fn client_with(
    _emu: &Emulator,
    target: Target,
    source: TokenSource,
    http: HttpSettings,
) -> PlatformClient {
    crate::common::platform_client(target, source, http)
}

fn client(emu: &Emulator) -> PlatformClient {
    client_with(emu, target(emu), TokenSource::Ims(creds(emu)), settings())
}

fn input(name: &str) -> S3ConnectionInput {
    S3ConnectionInput {
        name: name.into(),
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ..Default::default()
    }
}

fn posts(emu: &Emulator) -> Vec<aep_s3_connect::emulator::RecordedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == CREATE_PATH)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_sends_exactly_the_documented_request() {
    let emu = emulator().await;
    let created = client(&emu)
        .create_s3_connection(&input("Minimal"))
        .await
        .unwrap();
    assert!(!created.id.is_empty());
    assert!(
        created.etag.starts_with('"') && created.etag.ends_with('"'),
        "etag kept byte for byte: {}",
        created.etag
    );
    assert!(created.request_id.is_some());
    assert!(!created.reconciled);

    let requests = posts(&emu);
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    let auth = r.header("authorization").unwrap();
    assert!(auth.starts_with("Bearer ") && auth.len() > 10, "{auth}");
    assert_eq!(r.header("x-api-key"), Some(DEMO_CLIENT_ID));
    assert_eq!(r.header("x-gw-ims-org-id"), Some(DEMO_ORG_ID));
    assert_eq!(r.header("x-sandbox-name"), Some("prod"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        body,
        json!({
            "name": "Minimal",
            "auth": {"specName": "Access Key", "params": {
                "s3AccessKey": "AKIAIOSFODNN7EXAMPLE",
                "s3SecretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}},
            "connectionSpec": {"id": S3_CONNECTION_SPEC_ID, "version": "1.0"}
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_with_every_optional_param() {
    let emu = emulator().await;
    let full = S3ConnectionInput {
        name: "Full".into(),
        description: Some("all params".into()),
        access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
        secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        session_token: Some(Secret::new("FwoGZXIvYXdzEJr//////////session")),
        bucket_name: Some("my-bucket".into()),
        folder_path: Some("in/daily".into()),
        service_url: Some("https://s3.eu-west-1.amazonaws.com".into()),
    };
    client(&emu).create_s3_connection(&full).await.unwrap();
    let body: Value = serde_json::from_slice(&posts(&emu)[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "name": "Full",
            "description": "all params",
            "auth": {"specName": "Access Key", "params": {
                "s3AccessKey": "ASIAIOSFODNN7EXAMPLE",
                "s3SecretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "s3SessionToken": "FwoGZXIvYXdzEJr//////////session",
                "serviceUrl": "https://s3.eu-west-1.amazonaws.com",
                "bucketName": "my-bucket",
                "folderPath": "in/daily"}},
            "connectionSpec": {"id": S3_CONNECTION_SPEC_ID, "version": "1.0"}
        })
    );
    // What Flow Service stored is readable back, with the secret masked.
    let id = body_id(&emu);
    let conn = client(&emu).get_connection(&id).await.unwrap();
    assert_eq!(conn.name, "Full");
    assert!(!conn.auth.unwrap().to_string().contains("wJalrXUtnFEMI"));
}

fn body_id(emu: &Emulator) -> String {
    emu.connections()[0]["id"].as_str().unwrap().to_owned()
}

/// Asserts one mapped error: status, code, a message, a request ID and (for known codes) a hint.
fn assert_api(err: &ClientError, status: u16, code: Option<&str>, message_part: &str, hint: bool) {
    let ClientError::Api(api) = err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status, status, "{api}");
    assert_eq!(api.code.as_deref(), code, "{api}");
    assert!(
        api.message.contains(message_part),
        "message {:?} lacks {message_part:?}",
        api.message
    );
    assert!(
        api.request_id.as_deref().is_some_and(|id| id.len() >= 8),
        "request ID: {api}"
    );
    assert_eq!(api.hint.is_some(), hint, "hint: {api}");
}

#[tokio::test(flavor = "multi_thread")]
async fn gateway_errors_are_mapped() {
    let emu = emulator().await;
    let with_target = |f: &dyn Fn(&mut Target)| {
        let mut t = target(&emu);
        f(&mut t);
        client_with(&emu, t, TokenSource::Ims(creds(&emu)), settings())
    };
    let fixed = |token: &str| {
        client_with(
            &emu,
            target(&emu),
            TokenSource::Fixed(Secret::new(token)),
            settings(),
        )
    };

    let e = fixed("not-a-token")
        .create_s3_connection(&input("x"))
        .await
        .unwrap_err();
    assert_api(&e, 401, Some("401013"), "Oauth token is not valid", true);
    assert_eq!(e.exit_code(), 3);

    let e = with_target(&|t| t.client_id = "someone-else".into())
        .get_connection("abc")
        .await
        .unwrap_err();
    assert_api(&e, 403, Some("403003"), "Api Key is invalid", true);

    let e = with_target(&|t| t.org_id = "0000000000000000000000AA@AdobeOrg".into())
        .get_connection("abc")
        .await
        .unwrap_err();
    assert_api(&e, 403, Some("403025"), "Profile is not valid", true);

    let e = with_target(&|t| t.sandbox = "nosuch".into())
        .get_connection("abc")
        .await
        .unwrap_err();
    assert_api(&e, 404, Some("FLOW-2100-404"), "nosuch", true);

    let e = with_target(&|t| t.sandbox = "noaccess".into())
        .create_s3_connection(&input("x"))
        .await
        .unwrap_err();
    assert_api(&e, 403, Some("FLOW-2118-403"), "", true);

    let e = client(&emu)
        .get_connection("does-not-exist")
        .await
        .unwrap_err();
    assert_api(&e, 404, Some("FLOW-1439-404"), "", true);

    let e = client(&emu)
        .create_s3_connection(&input(""))
        .await
        .unwrap_err();
    assert_api(&e, 400, Some("FLOW-1304-400"), "name", true);
    assert!(emu.connections().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn oauth_errors_are_mapped() {
    let emu = emulator().await;
    let mut bad = creds(&emu);
    bad.client_secret = Secret::new("wrong-secret").into();
    let e = client_with(&emu, target(&emu), TokenSource::Ims(bad), settings())
        .create_s3_connection(&input("x"))
        .await
        .unwrap_err();
    assert_api(&e, 401, Some("invalid_client"), "", true);
    assert!(!e.to_string().contains("wrong-secret"));

    let mut no_scope = creds(&emu);
    no_scope.scopes = String::new();
    let e = client_with(&emu, target(&emu), TokenSource::Ims(no_scope), settings())
        .get_connection("x")
        .await
        .unwrap_err();
    assert_api(&e, 400, Some("invalid_scope"), "", true);
}

#[tokio::test(flavor = "multi_thread")]
async fn proxy_html_and_empty_bodies_are_mapped() {
    let emu = emulator().await;
    let c = client(&emu);
    emu.inject(
        Fault::new(FaultRoute::GetConnection)
            .status(502)
            .html_body()
            .times(10),
    );
    let e = c.get_connection("x").await.unwrap_err();
    let ClientError::Api(api) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(api.status, 502);
    assert_eq!(api.code, None);
    assert!(api.message.starts_with("Bad Gateway"), "{}", api.message);
    assert!(
        !api.message.contains('<'),
        "markup stripped: {}",
        api.message
    );
    assert!(api.raw_body.contains("<html") || api.raw_body.contains("<HTML"));
    assert!(api.hint.is_some());
    assert_eq!(e.exit_code(), 4);
    emu.clear_faults();

    emu.inject(
        Fault::new(FaultRoute::GetConnection)
            .status(504)
            .empty_body()
            .times(10),
    );
    let e = c.get_connection("x").await.unwrap_err();
    let ClientError::Api(api) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(api.status, 504);
    assert!(
        api.message.contains("empty response body"),
        "{}",
        api.message
    );
    assert!(api.request_id.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn one_ims_call_for_many_creates() {
    let emu = emulator().await;
    let c = client(&emu);
    for i in 0..5 {
        c.create_s3_connection(&input(&format!("c{i}")))
            .await
            .unwrap();
    }
    assert_eq!(emu.ims_token_requests(), 1);
    assert_eq!(c.tokens().ims_calls(), 1);
    assert_eq!(emu.connections().len(), 5);
}

#[derive(Default)]
struct MemoryCache(Mutex<Option<AccessToken>>);

impl TokenCache for MemoryCache {
    fn load(&self) -> Option<AccessToken> {
        self.0.lock().unwrap().clone()
    }
    fn store(&self, token: &AccessToken) {
        *self.0.lock().unwrap() = Some(token.clone());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cached_token_is_reused_across_sessions_and_renewed_near_expiry() {
    let emu = emulator().await;
    let cache = Arc::new(MemoryCache::default());
    let session = |cache: &Arc<MemoryCache>| {
        let http = Http::new(settings()).unwrap();
        let tokens = Arc::new(TokenManager::new(
            http.clone(),
            TokenSource::Ims(creds(&emu)),
            Some(cache.clone() as Arc<dyn TokenCache>),
        ));
        PlatformClient::new(http, tokens, target(&emu))
    };
    session(&cache)
        .create_s3_connection(&input("a"))
        .await
        .unwrap();
    session(&cache)
        .create_s3_connection(&input("b"))
        .await
        .unwrap();
    assert_eq!(
        emu.ims_token_requests(),
        1,
        "second session reused the cached token"
    );

    // A token with less than ten minutes left is renewed before use.
    emu.set_token_lifetime(300);
    let c = session(&cache);
    *cache.0.lock().unwrap() = None;
    c.create_s3_connection(&input("c")).await.unwrap(); // fetches a 300 s token
    c.create_s3_connection(&input("d")).await.unwrap(); // 300 s < 10 min: renewed
    assert_eq!(emu.ims_token_requests(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn token_expiring_mid_session_is_renewed_once() {
    let emu = emulator().await;
    let c = client(&emu);
    c.create_s3_connection(&input("before")).await.unwrap();
    emu.expire_all_tokens();
    c.create_s3_connection(&input("after")).await.unwrap();
    assert_eq!(emu.ims_token_requests(), 2);
    assert_eq!(emu.connections().len(), 2);
    // A pasted token cannot be renewed: the 401 reaches the user.
    let fixed = client_with(
        &emu,
        target(&emu),
        TokenSource::Fixed(Secret::new("expired")),
        settings(),
    );
    assert_eq!(
        fixed
            .create_s3_connection(&input("x"))
            .await
            .unwrap_err()
            .status(),
        Some(401)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn too_many_requests_honours_retry_after() {
    let emu = emulator().await;
    let c = client(&emu);
    c.tokens().token().await.unwrap();
    emu.inject(
        Fault::new(FaultRoute::CreateConnection)
            .status(429)
            .retry_after(1)
            .times(2),
    );
    let started = std::time::Instant::now();
    c.create_s3_connection(&input("throttled")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited Retry-After twice"
    );
    assert_eq!(posts(&emu).len(), 3);
    assert_eq!(emu.connections().len(), 1);
}

/// Regression: a Retry-After longer than the client waits (`max_retry_after`) failed at
/// once with "wait a moment": it must say how long Adobe asks to wait.
#[tokio::test(flavor = "multi_thread")]
async fn too_many_requests_with_a_long_retry_after_says_how_long_to_wait() {
    let emu = emulator().await;
    let c = client(&emu);
    c.tokens().token().await.unwrap();
    emu.inject(
        Fault::new(FaultRoute::CreateConnection)
            .status(429)
            .retry_after(600),
    );
    let e = c
        .create_s3_connection(&input("throttled-long"))
        .await
        .unwrap_err();
    // The client either waits and posts again or gives up at once with the hint: one POST and
    // the hint show it did not wait.
    assert_eq!(posts(&emu).len(), 1, "not retried");
    assert_eq!(e.status(), Some(429));
    assert_eq!(e.exit_code(), 3);
    let hint = e.hint().unwrap_or_default();
    assert!(
        hint.contains("Adobe asks to wait 600 s (10 min) before trying again"),
        "{hint}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_connection_after_processing_is_reported_as_created_once() {
    let emu = emulator().await;
    let c = client(&emu);
    emu.inject(Fault::new(FaultRoute::CreateConnection).process_then_drop());
    let created = c.create_s3_connection(&input("dropped")).await.unwrap();
    assert!(created.reconciled);
    let all = emu.connections();
    assert_eq!(all.len(), 1, "exactly one connection exists");
    assert_eq!(all[0]["id"].as_str(), Some(created.id.as_str()));
    assert_eq!(posts(&emu).len(), 1, "the POST was not sent again");
}

#[tokio::test(flavor = "multi_thread")]
async fn service_unavailable_is_retried_only_after_checking() {
    let emu = emulator().await;
    let c = client(&emu);
    emu.inject(
        Fault::new(FaultRoute::CreateConnection)
            .status(503)
            .retry_after(1),
    );
    let created = c.create_s3_connection(&input("after-503")).await.unwrap();
    assert!(!created.reconciled);
    assert_eq!(posts(&emu).len(), 2);
    assert_eq!(emu.connections().len(), 1);
    let lists = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == CREATE_PATH)
        .count();
    assert_eq!(lists, 1, "one lookup by name between the two POSTs");
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_is_not_retried_blindly() {
    let emu = emulator().await;
    let c = client_with(
        &emu,
        target(&emu),
        TokenSource::Ims(creds(&emu)),
        HttpSettings {
            total_timeout: Duration::from_millis(700),
            ..settings()
        },
    );
    c.tokens().token().await.unwrap();
    emu.inject(Fault::new(FaultRoute::CreateConnection).delay_ms(3000));
    let e = c.create_s3_connection(&input("slow")).await.unwrap_err();
    // Adobe may still make it: an unknown outcome, not a failure.
    let ClientError::OutcomeUnknown { cause, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(
        matches!(
            cause.as_ref(),
            ClientError::Network {
                kind: NetworkErrorKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("may have been created"), "{e}");
    assert_eq!(posts(&emu).len(), 1, "no second POST after a timeout");
    assert!(emu.connections().len() <= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn success_with_truncated_json_is_found_by_name() {
    let emu = emulator().await;
    let c = client(&emu);
    emu.inject(Fault::new(FaultRoute::CreateConnection).truncated_json());
    let created = c.create_s3_connection(&input("half")).await.unwrap();
    assert!(created.reconciled);
    assert_eq!(emu.connections().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_error_body_is_capped() {
    let emu = emulator().await;
    let c = client(&emu);
    emu.inject(
        Fault::new(FaultRoute::GetConnection)
            .status(500)
            .huge_body(50 * 1024 * 1024)
            .times(10),
    );
    let e = c.get_connection("x").await.unwrap_err();
    let ClientError::Api(api) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(api.status, 500);
    assert!(api.raw_body.len() <= 4 * 1024 + 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_follows_continuation_pages() {
    let emu = emulator().await;
    let c = client(&emu);
    for i in 0..(aep_s3_connect::api::flow::LIST_PAGE_SIZE + 7) {
        c.create_s3_connection(&input(&format!("bulk-{i:03}")))
            .await
            .unwrap();
    }
    let all = c
        .list_connections(&[("connectionSpec.id", S3_CONNECTION_SPEC_ID)])
        .await
        .unwrap();
    assert_eq!(all.len(), aep_s3_connect::api::flow::LIST_PAGE_SIZE + 7);
    let one = c.list_connections(&[("name", "bulk-042")]).await.unwrap();
    assert_eq!(one.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_to_a_remote_host_is_refused() {
    let emu = emulator().await;
    let mut t = target(&emu);
    t.platform_url = "http://platform.adobe.io".into();
    let c = client_with(&emu, t, TokenSource::Fixed(Secret::new("x")), settings());
    let e = c.get_connection("x").await.unwrap_err();
    assert!(matches!(e, ClientError::BadUrl(_)));
    assert!(e.to_string().contains("https://"));
}
