//! The emulator over real HTTP on loopback: IMS, the gateway's checks, Flow Service connections,
//! explore, sandboxes, faults and the control routes.

// Clippy exempts only `#[test]` functions; the helpers here are test code just the same.

use std::time::{Duration, Instant};

use aep_s3_connect::emulator::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORG_ID, Emulator, EmulatorConfig, Fault, FaultRoute,
};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub(super) const CONNS: &str = "/data/foundation/flowservice/connections";
pub(super) const S3_SPEC: &str = "ecadc60c-7455-4d87-84dc-2a0e293d997b";
pub(super) const SCOPE: &str =
    "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext";

/// The emulator on loopback with a token for the demo credential, and an HTTP client: what
/// these tests and `emulator_fidelity`'s talk through.
pub(super) struct Env {
    pub(super) emu: Emulator,
    pub(super) http: Client,
    pub(super) token: String,
}

/// A plain HTTP client (with a total `timeout`, when given).
pub(super) fn client(timeout: Option<Duration>) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = Client::builder();
    match timeout {
        Some(t) => builder.timeout(t),
        None => builder,
    }
    .build()
    .unwrap()
}

/// A fresh emulator and a token from it.
pub(super) async fn start() -> Env {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let http = client(None);
    let resp = token_request(
        &http,
        &emu,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "client_credentials",
        SCOPE,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let token = resp.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    Env { emu, http, token }
}

async fn token_request(
    http: &Client,
    emu: &Emulator,
    id: &str,
    secret: &str,
    grant: &str,
    scope: &str,
) -> Response {
    let form = [
        ("client_id", id),
        ("client_secret", secret),
        ("grant_type", grant),
        ("scope", scope),
    ];
    let form: Vec<_> = form.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    http.post(format!("{}/ims/token/v3", emu.base_url()))
        .form(&form)
        .send()
        .await
        .unwrap()
}

impl Env {
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    /// A Platform request on `http` with every gateway header and the sandbox `sandbox`.
    pub(super) fn flow_on(
        &self,
        http: &Client,
        method: Method,
        path: &str,
        sandbox: &str,
    ) -> RequestBuilder {
        http.request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("x-api-key", DEMO_CLIENT_ID)
            .header("x-gw-ims-org-id", DEMO_ORG_ID)
            .header("x-sandbox-name", sandbox)
    }

    /// A Platform request with every gateway header and the sandbox `sandbox`.
    fn flow(&self, method: Method, path: &str, sandbox: &str) -> RequestBuilder {
        self.flow_on(&self.http, method, path, sandbox)
    }

    async fn create_in(&self, sandbox: &str, name: &str, params: Value) -> Value {
        let body = json!({
            "name": name,
            "auth": {"specName": "Access Key", "params": params},
            "connectionSpec": {"id": S3_SPEC, "version": "1.0"},
        });
        let resp = self
            .flow(Method::POST, CONNS, sandbox)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        resp.json().await.unwrap()
    }

    async fn create(&self, name: &str) -> (String, String) {
        let v = self.create_in("prod", name, keys()).await;
        (
            v["id"].as_str().unwrap().to_owned(),
            v["etag"].as_str().unwrap().to_owned(),
        )
    }

    async fn list(&self, query: &str) -> Value {
        let resp = self
            .flow(Method::GET, &format!("{CONNS}?{query}"), "prod")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json().await.unwrap()
    }
}

pub(super) fn keys() -> Value {
    json!({"s3AccessKey": "AKIAIOSFODNN7EXAMPLE", "s3SecretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
}

/// Status and JSON body of a response.
pub(super) async fn parts(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The `FLOW-{code}-{status}` of a Flow error body.
pub(super) fn flow_code(body: &Value) -> &str {
    body["type"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("https://ns.adobe.com/aep/errors/")
}

fn names(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn token_succeeds_and_each_oauth_error_has_its_shape() {
    let env = start().await;
    let (http, emu) = (&env.http, &env.emu);
    let ok = token_request(
        http,
        emu,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "client_credentials",
        SCOPE,
    )
    .await;
    let (status, body) = parts(ok).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 86399);
    assert_ne!(
        body["access_token"].as_str().unwrap(),
        env.token,
        "tokens are unique"
    );

    let cases = [
        (
            DEMO_CLIENT_ID,
            "wrong",
            "client_credentials",
            SCOPE,
            401,
            "invalid_client",
        ),
        (
            "someone-else",
            DEMO_CLIENT_SECRET,
            "client_credentials",
            SCOPE,
            401,
            "invalid_client",
        ),
        (
            DEMO_CLIENT_ID,
            DEMO_CLIENT_SECRET,
            "password",
            SCOPE,
            400,
            "unsupported_grant_type",
        ),
        (
            DEMO_CLIENT_ID,
            DEMO_CLIENT_SECRET,
            "client_credentials",
            "",
            400,
            "invalid_scope",
        ),
    ];
    for (id, secret, grant, scope, status, error) in cases {
        let (s, body) = parts(token_request(http, emu, id, secret, grant, scope).await).await;
        assert_eq!(
            (s.as_u16(), body["error"].as_str()),
            (status, Some(error)),
            "{body}"
        );
        assert!(body["error_description"].is_string());
    }
    assert_eq!(emu.ims_token_requests(), 6);
}

#[tokio::test]
async fn gateway_checks_run_in_adobe_order() {
    let env = start().await;
    let url = env.url(CONNS);
    let http = &env.http;
    let bearer = format!("Bearer {}", env.token);
    let steps: Vec<(RequestBuilder, u16, &str)> = vec![
        (http.get(&url), 403, "403010"),
        (
            http.get(&url).header("authorization", "Basic abc"),
            403,
            "403010",
        ),
        (
            http.get(&url)
                .bearer_auth("not-a-token")
                .header("x-api-key", "x"),
            401,
            "401013",
        ),
        (
            http.get(&url).header("authorization", &bearer),
            403,
            "403000",
        ),
        (
            http.get(&url)
                .header("authorization", &bearer)
                .header("x-api-key", "other"),
            403,
            "403003",
        ),
        (
            http.get(&url)
                .header("authorization", &bearer)
                .header("x-api-key", DEMO_CLIENT_ID),
            400,
            "400003",
        ),
        (
            http.get(&url)
                .header("authorization", &bearer)
                .header("x-api-key", DEMO_CLIENT_ID)
                .header("x-gw-ims-org-id", "OTHER@AdobeOrg"),
            403,
            "403025",
        ),
    ];
    for (req, status, code) in steps {
        let (s, body) = parts(req.send().await.unwrap()).await;
        assert_eq!(
            (s.as_u16(), body["error_code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
    }
    let (_, body) = parts(http.get(&url).send().await.unwrap()).await;
    assert_eq!(body["message"], "Oauth token is missing.");

    env.emu.expire_all_tokens();
    let (s, body) = parts(env.flow(Method::GET, CONNS, "prod").send().await.unwrap()).await;
    assert_eq!(
        (s, body["error_code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("401013"))
    );
    assert_eq!(body["message"], "Oauth token is not valid");
}

#[tokio::test]
async fn sandbox_header_is_checked_after_the_gateway() {
    let env = start().await;
    let no_sandbox = env
        .http
        .get(env.url(CONNS))
        .bearer_auth(&env.token)
        .header("x-api-key", DEMO_CLIENT_ID)
        .header("x-gw-ims-org-id", DEMO_ORG_ID);
    let (s, body) = parts(no_sandbox.send().await.unwrap()).await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-2105-400")
    );

    let (s, body) = parts(env.flow(Method::GET, CONNS, "nope").send().await.unwrap()).await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::NOT_FOUND, "FLOW-2100-404")
    );
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("The sandbox with the name 'nope' could not be found")
    );
    for key in ["title", "status", "report", "errorDetails"] {
        assert!(!body[key].is_null(), "{key} missing from {body}");
    }

    let (s, body) = parts(
        env.flow(Method::GET, CONNS, "noaccess")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::FORBIDDEN, "FLOW-2118-403")
    );
}

#[tokio::test]
async fn create_answers_201_with_location_and_quoted_etag() {
    let env = start().await;
    let mut params = keys();
    params["bucketName"] = json!("my-bucket");
    let body = json!({
        "name": "S3 Connection",
        "description": "Connection for an Amazon S3 account",
        "auth": {"specName": "Access Key", "params": params},
        "connectionSpec": {"id": S3_SPEC, "version": "1.0"},
    });
    let resp = env
        .flow(Method::POST, CONNS, "prod")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = resp.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, format!("{CONNS}/{id}"));
    let etag = created["etag"].as_str().unwrap();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "{etag}"
    );

    let all = env.emu.connections();
    assert_eq!(all.len(), 1);
    let item = &all[0];
    assert_eq!(item["sandboxName"], "prod");
    assert_eq!(item["imsOrgId"], DEMO_ORG_ID);
    assert_eq!(item["createdClient"], DEMO_CLIENT_ID);
    assert_eq!(item["state"], "enabled");
    assert_eq!(item["etag"], etag);
    assert!(
        item["createdAt"].as_u64().unwrap() > 1_600_000_000_000,
        "epoch milliseconds"
    );
    assert_eq!(item["auth"]["params"]["s3SecretKey"], "***");
    assert_eq!(
        item["auth"]["params"]["s3AccessKey"],
        "AKIA************MPLE"
    );
    assert_eq!(item["auth"]["params"]["bucketName"], "my-bucket");
}

#[tokio::test]
async fn create_validation_errors() {
    let env = start().await;
    let resp = env
        .flow(Method::POST, CONNS, "prod")
        .body("{}")
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    let (s, body) = parts(resp).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "A valid content-type must be specified");
    assert_eq!(body["type"], "/placeholder/type/uri");

    let resp = env
        .flow(Method::POST, CONNS, "prod")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    let (s, body) = parts(resp).await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-1300-400")
    );

    let good = json!({
        "name": "n",
        "auth": {"specName": "Access Key", "params": keys()},
        "connectionSpec": {"id": S3_SPEC},
    });
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("/name", Value::Null, "FLOW-1304-400", "name"),
        ("/name", json!("  "), "FLOW-1304-400", "name"),
        (
            "/auth/specName",
            json!("Basic Auth"),
            "FLOW-1301-400",
            "Basic Auth",
        ),
        (
            "/auth/specName",
            json!("IAMRole Based"),
            "FLOW-1302-400",
            "IAMRole",
        ),
        (
            "/connectionSpec/id",
            json!("00000000-0000-0000-0000-000000000000"),
            "FLOW-1303-400",
            "not supported",
        ),
        (
            "/auth/params/s3SecretKey",
            Value::Null,
            "FLOW-1304-400",
            "s3SecretKey",
        ),
        (
            "/auth/params/s3AccessKey",
            json!(""),
            "FLOW-1304-400",
            "s3AccessKey",
        ),
        (
            "/auth/params/region",
            json!("us-east-1"),
            "FLOW-1306-400",
            "region",
        ),
    ];
    for (pointer, value, code, mentions) in cases {
        let mut body = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = if parent.is_empty() {
            &mut body
        } else {
            body.pointer_mut(parent).unwrap()
        };
        target[key] = value;
        let (s, err) = parts(
            env.flow(Method::POST, CONNS, "prod")
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (s, flow_code(&err)),
            (StatusCode::BAD_REQUEST, code),
            "{pointer}: {err}"
        );
        assert!(
            err["errorMessage"].as_str().unwrap().contains(mentions),
            "{err}"
        );
    }
    assert!(env.emu.connections().is_empty());
}

#[tokio::test]
async fn get_is_scoped_to_the_sandbox() {
    let env = start().await;
    let (id, etag) = env.create("only-in-prod").await;
    let (s, body) = parts(
        env.flow(Method::GET, &format!("{CONNS}/{id}"), "prod")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["items"][0]["etag"], etag.as_str());
    assert_eq!(body["items"][0]["connectionSpec"]["id"], S3_SPEC);

    let (s, body) = parts(
        env.flow(Method::GET, &format!("{CONNS}/{id}"), "dev")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::NOT_FOUND, "FLOW-1439-404")
    );

    let resp = env
        .flow(Method::GET, &format!("{CONNS}/{id}/test"), "prod")
        .send()
        .await
        .unwrap();
    assert_eq!(parts(resp).await.1, json!({"result": true}));
}

#[tokio::test]
async fn list_filters_orders_counts_and_pages() {
    let env = start().await;
    for name in ["delta", "alpha", "echo", "charlie", "bravo"] {
        env.create(name).await;
    }
    env.create_in("dev", "alpha", keys()).await;

    // Follow next links across pages; filters and limit travel in the link, which is relative to
    // the Flow Service base (`/connections?...`), as Adobe's OpenAPI spec writes it.
    let mut seen = Vec::new();
    let mut path = format!("{CONNS}?limit=2&property=connectionSpec.id=={S3_SPEC}");
    let mut pages = 0;
    loop {
        let body: Value = env
            .flow(Method::GET, &path, "prod")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        seen.extend(names(&body["items"]).into_iter().map(str::to_owned));
        match body["_links"]["next"]["href"].as_str() {
            Some(href) => {
                assert!(
                    href.starts_with("/connections?") && href.contains("continuationToken="),
                    "{href}"
                );
                path = format!("/data/foundation/flowservice{href}");
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        ["delta", "alpha", "echo", "charlie", "bravo"],
        "createdAt order by default"
    );

    let body = env.list("orderby=name").await;
    assert_eq!(
        names(&body["items"]),
        ["alpha", "bravo", "charlie", "delta", "echo"]
    );
    assert!(body["_links"]["next"].is_null());
    let body = env.list("orderby=-name&limit=2").await;
    assert_eq!(names(&body["items"]), ["echo", "delta"]);

    let body = env
        .list("property=name==charlie&property=state==enabled")
        .await;
    assert_eq!(names(&body["items"]), ["charlie"]);
    let body = env
        .list("property=name==charlie&property=state==disabled")
        .await;
    assert!(body["items"].as_array().unwrap().is_empty());

    assert_eq!(env.list("count=true").await, json!({"count": 5}));
    assert_eq!(
        env.list("count=true&property=name==alpha").await,
        json!({"count": 1})
    );

    let (s, body) = parts(
        env.flow(
            Method::GET,
            &format!("{CONNS}?continuationToken=junk"),
            "prod",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-1307-400")
    );
}

#[tokio::test]
async fn patch_needs_the_current_etag() {
    let env = start().await;
    let (id, etag) = env.create("before").await;
    let path = format!("{CONNS}/{id}");
    let rename = json!([{"op": "replace", "path": "/name", "value": "after"}]);

    let (s, body) = parts(
        env.flow(Method::PATCH, &path, "prod")
            .json(&rename)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-1403-400")
    );

    let stale = "\"00000000-0000-0200-0000-000000000000\"";
    let resp = env
        .flow(Method::PATCH, &path, "prod")
        .header("if-match", stale)
        .json(&rename)
        .send()
        .await
        .unwrap();
    let (s, body) = parts(resp).await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::PRECONDITION_FAILED, "FLOW-1404-412")
    );
    let msg = body["errorMessage"].as_str().unwrap();
    assert_eq!(
        msg,
        format!("Supplied version=[{stale}] does not match the current version on entity=[{etag}]")
    );

    let created_at = env.emu.connections()[0]["updatedAt"].as_u64().unwrap();
    let resp = env
        .flow(Method::PATCH, &path, "prod")
        .header("if-match", &etag)
        .json(&rename)
        .send()
        .await
        .unwrap();
    let (s, body) = parts(resp).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["id"], id.as_str());
    let new_etag = body["etag"].as_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let item = &env.emu.connections()[0];
    assert_eq!(item["name"], "after");
    assert_eq!(item["etag"], new_etag.as_str());
    assert!(item["updatedAt"].as_u64().unwrap() > created_at);

    // Unquoted If-Match and a trailing slash are accepted too (docs show both).
    let token = json!([{"op": "add", "path": "/auth/params/s3SessionToken", "value": "FwoG..."}]);
    let resp = env
        .flow(Method::PATCH, &format!("{path}/"), "prod")
        .header("if-match", new_etag.trim_matches('"'))
        .json(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = resp.json::<Value>().await.unwrap()["etag"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        env.emu.connections()[0]["auth"]["params"]["s3SessionToken"],
        "***"
    );

    for (op, code) in [
        (
            json!([{"op": "replace", "path": "/connectionSpec/id", "value": "x"}]),
            "FLOW-1414-400",
        ),
        (
            json!([{"op": "replace", "path": "/state", "value": "disabled"}]),
            "FLOW-1455-400",
        ),
        (
            json!([{"op": "replace", "path": "/auth/params/nope", "value": "x"}]),
            "FLOW-1455-400",
        ),
    ] {
        let resp = env
            .flow(Method::PATCH, &path, "prod")
            .header("if-match", &etag)
            .json(&op)
            .send()
            .await
            .unwrap();
        let (s, body) = parts(resp).await;
        assert_eq!(
            (s, flow_code(&body)),
            (StatusCode::BAD_REQUEST, code),
            "{op}"
        );
    }
    assert_eq!(
        env.emu.connections()[0]["etag"],
        etag.as_str(),
        "failed patches change nothing"
    );
}

#[tokio::test]
async fn delete_refuses_connections_in_use() {
    let env = start().await;
    let (busy, _) = env.create("inuse-by-dataflow").await;
    let (free, _) = env.create("free").await;
    let (s, body) = parts(
        env.flow(Method::DELETE, &format!("{CONNS}/{busy}"), "prod")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-1418-400")
    );

    let resp = env
        .flow(Method::DELETE, &format!("{CONNS}/{free}/"), "prod")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.bytes().await.unwrap().is_empty());
    let resp = env
        .flow(Method::GET, &format!("{CONNS}/{free}"), "prod")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(env.emu.connections().len(), 1);
}

#[tokio::test]
async fn explore_lists_buckets_folders_and_previews_files() {
    let env = start().await;
    let (id, _) = env.create("any-bucket").await;
    let explore = |q: &str| env.flow(Method::GET, &format!("{CONNS}/{id}/explore?{q}"), "prod");
    let roots: Value = explore("objectType=root")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(roots.as_array().unwrap().len() >= 2);
    assert_eq!(roots[0]["type"], "folder");
    assert_eq!(roots[0]["canPreview"], false);
    let bucket = roots[0]["path"].as_str().unwrap().to_owned();

    let listing: Value = explore(&format!("objectType=folder&object={bucket}/incoming"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = listing.as_array().unwrap();
    assert!(entries.iter().any(|e| e["type"] == "folder"));
    let parquet = entries
        .iter()
        .find(|e| e["name"] == "events.parquet")
        .unwrap();
    assert_eq!(parquet["path"], format!("{bucket}/incoming/events.parquet"));
    assert_eq!(parquet["canPreview"], true);

    let preview: Value = explore(&format!(
        "objectType=file&object={bucket}/customers.csv&fileType=delimited&preview=true"
    ))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(preview["format"], "flat");
    assert!(!preview["schema"]["columns"].as_array().unwrap().is_empty());
    assert_eq!(preview["data"].as_array().unwrap().len(), 3);

    let (s, body) = parts(
        explore(&format!("objectType=folder&object={bucket}/missing"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, flow_code(&body)),
        (StatusCode::NOT_FOUND, "FLOW-1440-404")
    );

    let mut params = keys();
    params["bucketName"] = json!("only-this-one");
    let one = env.create_in("prod", "one-bucket", params).await;
    let url = format!(
        "{CONNS}/{}/explore?objectType=root",
        one["id"].as_str().unwrap()
    );
    let roots: Value = env
        .flow(Method::GET, &url, "prod")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        roots,
        json!([{"type": "folder", "name": "only-this-one", "path": "/only-this-one", "canPreview": false, "canFetchSchema": false}])
    );
}

#[tokio::test]
async fn sandboxes_are_listed_with_paging_and_without_sandbox_header() {
    let env = start().await;
    let get = |q: &str| {
        env.http
            .get(env.url(&format!("/data/foundation/sandbox-management/?{q}")))
            .bearer_auth(&env.token)
            .header("x-api-key", DEMO_CLIENT_ID)
            .header("x-gw-ims-org-id", DEMO_ORG_ID)
    };
    let first: Value = get("limit=2&offset=0")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = first["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["prod", "dev"]);
    assert_eq!(first["sandboxes"][0]["type"], "production");
    assert_eq!(first["sandboxes"][0]["isDefault"], true);
    assert_eq!(first["sandboxes"][1]["type"], "development");
    assert_eq!(first["_page"], json!({"limit": 2, "count": 2}));
    assert_eq!(first["_links"]["page"]["templated"], true);
    let rest: Value = get("limit=2&offset=2")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["sandboxes"][0]["name"], "live");
    assert_eq!(rest["sandboxes"][0]["type"], "production");
    assert_eq!(rest["sandboxes"][1]["name"], "noaccess");

    let resp = env
        .http
        .get(env.url("/data/foundation/sandbox-management/"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        parts(resp).await.1["error_code"],
        "403010",
        "gateway checks apply"
    );
}

#[tokio::test]
async fn every_response_has_a_fresh_request_id_repeated_in_flow_errors() {
    let env = start().await;
    env.emu
        .inject(Fault::new(FaultRoute::ListConnections).status(429));
    let responses = vec![
        env.flow(Method::GET, CONNS, "prod").send().await.unwrap(),
        env.flow(Method::GET, CONNS, "prod").send().await.unwrap(),
        env.flow(Method::GET, &format!("{CONNS}/missing"), "prod")
            .send()
            .await
            .unwrap(),
        env.http
            .get(env.url("/no/such/route"))
            .send()
            .await
            .unwrap(),
        env.http
            .post(env.url("/ims/token/v3"))
            .form(&[("client_id", "x")])
            .send()
            .await
            .unwrap(),
    ];
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [429, 200, 404, 404, 401]);
    let mut ids = Vec::new();
    for resp in responses {
        let id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body: Value = resp.json().await.unwrap();
        if let Some(rid) = body.pointer("/report/request-id") {
            assert_eq!(rid, id.as_str());
        }
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "request ids are unique");

    let log = env.emu.requests();
    let last = log.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("POST", "/ims/token/v3")
    );
    assert_eq!(last.body, b"client_id=x");
    assert!(
        last.headers
            .iter()
            .any(|(n, v)| n == "content-type" && v.contains("form-urlencoded"))
    );
    let listed = &log[1];
    assert_eq!(listed.header("x-sandbox-name"), Some("prod"));
}

#[tokio::test]
async fn status_fault_with_retry_after_counts_down_and_skips_the_work() {
    let env = start().await;
    env.emu.inject(
        Fault::new(FaultRoute::CreateConnection)
            .status(429)
            .retry_after(2)
            .times(2),
    );
    let body = json!({"name": "n", "auth": {"specName": "Access Key", "params": keys()}, "connectionSpec": {"id": S3_SPEC}});
    for _ in 0..2 {
        let resp = env
            .flow(Method::POST, CONNS, "prod")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["retry-after"], "2");
        let (s, err) = parts(resp).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            err,
            json!({"error_code": "429050", "message": "Too many requests"})
        );
    }
    assert!(
        env.emu.connections().is_empty(),
        "a status fault does not do the work"
    );
    let resp = env
        .flow(Method::POST, CONNS, "prod")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);

    env.emu
        .inject(Fault::new(FaultRoute::Any).status(503).times(0));
    for _ in 0..3 {
        let (s, err) = parts(env.flow(Method::GET, CONNS, "prod").send().await.unwrap()).await;
        assert_eq!(
            (s, flow_code(&err)),
            (StatusCode::SERVICE_UNAVAILABLE, "FLOW-1500-503")
        );
    }
    env.emu.clear_faults();
    assert_eq!(
        env.flow(Method::GET, CONNS, "prod")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn ims_faults_are_counted_and_oauth_shaped() {
    let env = start().await;
    env.emu.inject(Fault::new(FaultRoute::ImsToken).status(500));
    let resp = token_request(
        &env.http,
        &env.emu,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "client_credentials",
        SCOPE,
    )
    .await;
    let (s, body) = parts(resp).await;
    assert_eq!(
        (s, body["error"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("server_error"))
    );
    assert_eq!(env.emu.ims_token_requests(), 2);
}

#[tokio::test]
async fn delay_html_empty_and_truncated_faults() {
    let env = start().await;
    let (id, _) = env.create("c").await;
    let item = format!("{CONNS}/{id}");

    env.emu
        .inject(Fault::new(FaultRoute::GetConnection).delay_ms(150));
    let started = Instant::now();
    let resp = env.flow(Method::GET, &item, "prod").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150));

    env.emu
        .inject(Fault::new(FaultRoute::GetConnection).html_body());
    let resp = env.flow(Method::GET, &item, "prod").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(resp.headers().contains_key("x-request-id"));
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("<h1>502 Bad Gateway</h1>")
    );

    env.emu.inject(
        Fault::new(FaultRoute::GetConnection)
            .status(504)
            .empty_body(),
    );
    let resp = env.flow(Method::GET, &item, "prod").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(resp.bytes().await.unwrap().is_empty());

    env.emu
        .inject(Fault::new(FaultRoute::GetConnection).truncated_json());
    let resp = env.flow(Method::GET, &item, "prod").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let length: usize = resp.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len(), length);
    assert!(bytes.starts_with(b"{\"items\":["));
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());
}

#[tokio::test]
async fn huge_body_is_streamed_with_the_exact_length() {
    let env = start().await;
    let size = 8 * 1024 * 1024 + 7;
    env.emu
        .inject(Fault::new(FaultRoute::ListConnections).huge_body(size));
    let resp = env.flow(Method::GET, CONNS, "prod").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.content_length(), Some(size));
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert!(bytes.starts_with(b"{\"items\":[]"));
    assert!(serde_json::from_slice::<Value>(&bytes).is_ok());
}

#[tokio::test]
async fn process_then_drop_does_the_work_but_never_answers() {
    let env = start().await;
    env.emu
        .inject(Fault::new(FaultRoute::CreateConnection).process_then_drop());
    let body = json!({"name": "dropped", "auth": {"specName": "Access Key", "params": keys()}, "connectionSpec": {"id": S3_SPEC}});
    let result = env
        .flow(Method::POST, CONNS, "prod")
        .json(&body)
        .send()
        .await;
    let err = result.expect_err("the connection is closed without a response");
    assert!(
        err.status().is_none(),
        "no status reached the client: {err:?}"
    );
    let all = env.emu.connections();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["name"], "dropped");
    // The server is still fine for the next request.
    assert_eq!(
        env.flow(Method::GET, CONNS, "prod")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn control_routes_drive_faults_tokens_and_state() {
    let env = start().await;
    let control = |m: Method, p: &str| env.http.request(m, env.url(&format!("/_emulator/{p}")));
    let resp = control(Method::POST, "faults")
        .json(&json!({"route": "list_connections", "status": 503, "times": 0}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    for _ in 0..2 {
        assert_eq!(
            env.flow(Method::GET, CONNS, "prod")
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
    assert!(
        control(Method::DELETE, "faults")
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    assert_eq!(
        env.flow(Method::GET, CONNS, "prod")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    env.create("seen-in-state").await;
    let state: Value = control(Method::GET, "state")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["imsTokenRequests"], 1);
    assert_eq!(state["connections"][0]["name"], "seen-in-state");
    assert_eq!(
        state["connections"][0]["auth"]["params"]["s3SecretKey"],
        "***"
    );

    let resp = control(Method::POST, "token-lifetime")
        .json(&json!({"secs": 5}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let resp = token_request(
        &env.http,
        &env.emu,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "client_credentials",
        SCOPE,
    )
    .await;
    assert_eq!(resp.json::<Value>().await.unwrap()["expires_in"], 5);

    assert!(
        control(Method::POST, "expire-tokens")
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let (s, body) = parts(env.flow(Method::GET, CONNS, "prod").send().await.unwrap()).await;
    assert_eq!(
        (s, body["error_code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("401013"))
    );
}

#[tokio::test]
async fn zero_lifetime_tokens_are_born_expired_and_shutdown_frees_the_port() {
    let mut env = start().await;
    env.emu.set_token_lifetime(0);
    let resp = token_request(
        &env.http,
        &env.emu,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        "client_credentials",
        SCOPE,
    )
    .await;
    env.token = resp.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, _) = parts(env.flow(Method::GET, CONNS, "prod").send().await.unwrap()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let addr = env.emu.addr();
    env.emu.shutdown().await;
    let again = Emulator::start(EmulatorConfig {
        port: addr.port(),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(again.addr(), addr);
    again.shutdown().await;
}

#[tokio::test]
async fn process_then_drop_sends_not_a_single_byte() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let env = start().await;
    env.emu
        .inject(Fault::new(FaultRoute::Any).process_then_drop());
    let mut socket = tokio::net::TcpStream::connect(env.emu.addr())
        .await
        .unwrap();
    let request = format!(
        "GET /_not_control HTTP/1.1\r\nhost: {}\r\n\r\n",
        env.emu.addr()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    // EOF or a reset both count as closed; what matters is that nothing arrived first.
    let _ = tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut received))
        .await
        .unwrap();
    assert!(
        received.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(env.emu.requests().last().unwrap().path, "/_not_control");
}
