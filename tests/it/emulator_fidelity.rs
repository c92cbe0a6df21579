//! The emulator keeps to Adobe's documented contract where clients are easy to get wrong:
//! service-relative next links, repeated query parameters, comma lists in property filters,
//! letter case of `objectType` and patch `op`, connection specs, and work that goes on when the
//! client has gone. Real HTTP on loopback.

// Clippy exempts only `#[test]` functions; the helpers here are test code just the same.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aep_s3_connect::emulator::{DEMO_CLIENT_ID, DEMO_ORG_ID, Fault, FaultRoute};
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

const FLOW: &str = "/data/foundation/flowservice";
const SPECS: &str = "/data/foundation/flowservice/connectionSpecs";
// The constants and response helpers of the emulator's own tests, shared.
use super::emulator::{
    CONNS, Env as Emulated, S3_SPEC, client, flow_code, keys, parts, start as start_emulator,
};

/// `emulator`'s harness, whose requests go to sandbox `prod`.
struct Env(Emulated);

impl std::ops::Deref for Env {
    type Target = Emulated;

    fn deref(&self) -> &Emulated {
        &self.0
    }
}

async fn start() -> Env {
    Env(start_emulator().await)
}

impl Env {
    /// A Platform request on `http` with every gateway header, in sandbox `prod`.
    fn flow_on(&self, http: &Client, method: Method, path: &str) -> RequestBuilder {
        self.0.flow_on(http, method, path, "prod")
    }

    fn flow(&self, method: Method, path: &str) -> RequestBuilder {
        self.flow_on(&self.http, method, path)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        parts(self.flow(Method::GET, path).send().await.unwrap()).await
    }

    async fn create(&self, name: &str) -> String {
        let resp = self
            .flow(Method::POST, CONNS)
            .json(&create_body(name))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        resp.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The connection called `name`, once it exists (bounded wait, polling the emulator's state).
    async fn wait_for_connection(&self, name: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(c) = self
                .emu
                .connections()
                .into_iter()
                .find(|c| c["name"] == name)
            {
                return c;
            }
            assert!(
                Instant::now() < deadline,
                "the connection '{name}' never appeared"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn create_body(name: &str) -> Value {
    json!({
        "name": name,
        "auth": {"specName": "Access Key", "params": keys()},
        "connectionSpec": {"id": S3_SPEC, "version": "1.0"},
    })
}

fn names(items: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    names
}

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

// ---- 1. next links and repeated parameters ----

#[tokio::test]
async fn next_link_is_relative_to_the_service_base_and_keeps_the_query() {
    let env = start().await;
    for name in ["e", "d", "c", "b", "a"] {
        env.create(name).await;
    }
    let first = format!("{CONNS}?property=connectionSpec.id=={S3_SPEC}&limit=2&orderby=name");
    let (_, page) = env.get(&first).await;
    let href = page["_links"]["next"]["href"].as_str().unwrap().to_owned();
    assert!(href.starts_with("/connections?"), "{href}");
    let query: Vec<(String, String)> = url::Url::parse(&format!("http://x{href}"))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let keys: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["property", "limit", "orderby", "continuationToken"],
        "the request's parameters travel in the link, each once"
    );

    // Resolved against the host root, the link misses the service: the bug clients must avoid.
    let (status, body) = env.get(&href).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Resolved against the service base, it walks every page in order.
    let mut seen: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    let mut next = Some(href);
    while let Some(href) = next.take() {
        let (status, page) = env.get(&format!("{FLOW}{href}")).await;
        assert_eq!(status, StatusCode::OK);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_owned()),
        );
        next = page["_links"]["next"]["href"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn a_repeated_single_valued_parameter_is_refused_by_name() {
    let env = start().await;
    env.create("one").await;
    for (name, query) in [
        ("limit", "limit=2&limit=2"),
        (
            "orderby",
            "orderby=name&property=state==enabled&orderby=-name",
        ),
        ("count", "count=true&count=true"),
        (
            "continuationToken",
            "continuationToken=b2Zmc2V0OjE&continuationToken=b2Zmc2V0OjE",
        ),
    ] {
        let (status, body) = env.get(&format!("{CONNS}?{query}")).await;
        assert_eq!(
            (status, flow_code(&body)),
            (StatusCode::BAD_REQUEST, "FLOW-1307-400"),
            "{query}: {body}"
        );
        let message = body["errorMessage"].as_str().unwrap();
        assert!(message.contains(&format!("'{name}'")), "{message}");
    }
    // `property` is meant to repeat: the filters are ANDed.
    let (status, body) = env
        .get(&format!(
            "{CONNS}?property=name==one&property=state==enabled"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&body["items"]), ["one"]);
}

// ---- 2. commas in property filters ----

#[tokio::test]
async fn a_comma_in_a_property_filter_lists_alternatives() {
    let env = start().await;
    for name in ["a,b", "a", "b", "c"] {
        env.create(name).await;
    }
    let (_, body) = env.get(&format!("{CONNS}?property=name==a,b")).await;
    assert_eq!(
        names(&body["items"]),
        ["a", "b"],
        "matches a or b, never the name 'a,b'"
    );
    // Percent-encoding the comma changes nothing: the filter is read after decoding.
    let (_, body) = env.get(&format!("{CONNS}?property=name%3D%3Da%2Cb")).await;
    assert_eq!(names(&body["items"]), ["a", "b"]);
    let (_, body) = env
        .get(&format!("{CONNS}?property=name==a,c&count=true"))
        .await;
    assert_eq!(body, json!({"count": 2}));
    let (_, body) = env
        .get(&format!("{CONNS}?property=name==a,b,c&property=name==c,x"))
        .await;
    assert_eq!(names(&body["items"]), ["c"], "two filters are still ANDed");
}

// ---- 3. letter case ----

#[tokio::test]
async fn explore_object_type_in_any_case_and_root_by_default() {
    let env = start().await;
    let id = env.create("explorer").await;
    let explore = |q: &str| format!("{CONNS}/{id}/explore{q}");
    let (status, root) = env.get(&explore("?objectType=root")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!root.as_array().unwrap().is_empty());
    for q in ["?objectType=ROOT", "?objectType=Root", ""] {
        let (status, body) = env.get(&explore(q)).await;
        assert_eq!((status, &body), (StatusCode::OK, &root), "{q:?}");
    }
    let (status, folder) = env
        .get(&explore("?objectType=FOLDER&object=/demo-landing-zone"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        folder
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "/demo-landing-zone/customers.csv")
    );
    let (status, file) = env
        .get(&explore(
            "?objectType=File&object=/demo-landing-zone/customers.csv&fileType=delimited&preview=true",
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["format"], "flat");
    let (status, body) = env.get(&explore("?objectType=bucket")).await;
    assert_eq!(
        (status, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-1307-400")
    );
}

#[tokio::test]
async fn patch_op_in_any_case_and_remove() {
    let env = start().await;
    let id = env.create("before").await;
    let item = format!("{CONNS}/{id}");
    let (_, body) = env.get(&item).await;
    let etag = body["items"][0]["etag"].as_str().unwrap().to_owned();
    let patch = json!([
        {"op": "REPLACE", "path": "/name", "value": "after"},
        {"op": "Add", "path": "/description", "value": "temporary"},
        {"op": "Remove", "path": "/description"},
    ]);
    let resp = env
        .flow(Method::PATCH, &item)
        .header("if-match", &etag)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, body) = env.get(&item).await;
    assert_eq!(body["items"][0]["name"], "after");
    assert!(body["items"][0].get("description").is_none());
}

/// Adobe's own Postman collection sends the etag as an `if-match` query parameter (its spec
/// predates the header); the emulator takes either, the header first.
#[tokio::test]
async fn patch_takes_if_match_from_the_query_as_adobes_collection_sends_it() {
    let env = start().await;
    let id = env.create("by query").await;
    let item = format!("{CONNS}/{id}/");
    let (_, body) = env.get(&format!("{CONNS}/{id}")).await;
    let etag = body["items"][0]["etag"].as_str().unwrap().to_owned();
    let patch = json!([{"op": "replace", "path": "/name", "value": "renamed"}]);
    let resp = env
        .flow(Method::PATCH, &item)
        .query(&[("if-match", etag.as_str())])
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let stale = env
        .flow(Method::PATCH, &item)
        .query(&[("if-match", etag.as_str())])
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
}

// ---- 4. connection specs ----

#[tokio::test]
async fn connection_specs_list_get_and_configs() {
    let env = start().await;
    let (status, body) = env.get(SPECS).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    for q in [
        "property=name==amazon-s3".to_owned(),
        format!("property=id=={S3_SPEC}"),
        format!("property=id==other,{S3_SPEC}&property=name==amazon-s3"),
    ] {
        let (status, body) = env.get(&format!("{SPECS}?{q}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["items"][0]["id"], S3_SPEC, "{q}");
    }
    let (_, body) = env.get(&format!("{SPECS}?property=name==sftp")).await;
    assert_eq!(body, json!({"items": []}));
    let (status, body) = env.get(&format!("{SPECS}?property=secret==x")).await;
    assert_eq!(
        (status, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-1307-400")
    );

    let (status, body) = env.get(&format!("{SPECS}/{S3_SPEC}")).await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let spec = &items[0];
    assert_eq!(
        (&spec["name"], &spec["version"]),
        (&json!("amazon-s3"), &json!("1.0"))
    );
    assert!(spec["providerId"].is_string());
    assert_eq!(spec["attributes"]["category"], "cloudStorage");
    assert!(spec["sourceSpec"].is_object() && spec["exploreSpec"].is_object());
    let auth = spec["authSpec"].as_array().unwrap();
    let access = auth.iter().find(|a| a["name"] == "Access Key").unwrap();
    assert_eq!(access["type"], "AccessKey");
    assert_eq!(
        access["spec"]["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
    assert_eq!(
        access["spec"]["required"],
        json!(["s3AccessKey", "s3SecretKey"])
    );
    let props = &access["spec"]["properties"];
    for p in [
        "s3AccessKey",
        "s3SecretKey",
        "s3SessionToken",
        "serviceUrl",
        "bucketName",
        "folderPath",
    ] {
        assert_eq!(props[p]["type"], "string", "{p}");
        assert!(props[p]["description"].is_string(), "{p}");
    }
    assert_eq!(props["s3SecretKey"]["format"], "password");
    assert_eq!(props["s3SessionToken"]["format"], "password");
    let iam = auth.iter().find(|a| a["name"] == "IAMRole Based").unwrap();
    assert!(iam["spec"]["properties"]["bucketName"].is_object());

    let unknown = "00000000-0000-0000-0000-000000000000";
    let (status, body) = env.get(&format!("{SPECS}/{unknown}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(flow_code(&body).ends_with("-404"), "{body}");
    assert!(body["report"]["request-id"].is_string());
    assert!(body["errorMessage"].as_str().unwrap().contains(unknown));

    let (status, body) = env
        .get(&format!(
            "{SPECS}/{S3_SPEC}/configs?authType=IamBasedAuthentication"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"configParams": {"IAMRole": "arn:aws:iam::000000000000:role/demo-aep-role"}})
    );
    let (status, _) = env.get(&format!("{SPECS}/{S3_SPEC}/configs")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn connection_specs_pass_the_gateway_checks_and_take_faults() {
    let env = start().await;
    let path = format!("{SPECS}/{S3_SPEC}");
    let (status, body) = parts(env.http.get(env.url(&path)).send().await.unwrap()).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (StatusCode::FORBIDDEN, Some("403010"))
    );
    let no_sandbox = env
        .http
        .get(env.url(&path))
        .bearer_auth(&env.token)
        .header("x-api-key", DEMO_CLIENT_ID)
        .header("x-gw-ims-org-id", DEMO_ORG_ID);
    let (status, body) = parts(no_sandbox.send().await.unwrap()).await;
    assert_eq!(
        (status, flow_code(&body)),
        (StatusCode::BAD_REQUEST, "FLOW-2105-400")
    );

    env.emu.inject(Fault::new(FaultRoute::Any).status(503));
    let (status, _) = env.get(&path).await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "Any hits the specs"
    );
    env.emu
        .inject(Fault::new(FaultRoute::ConnectionSpecs).status(500));
    let (status, _) = env.get(SPECS).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(env.get(SPECS).await.0, StatusCode::OK, "used up");
}

// ---- 5. work that outlives the client ----

/// A client that gives up after 200 ms.
fn impatient() -> Client {
    client(Some(Duration::from_millis(200)))
}

#[tokio::test]
async fn create_completes_after_the_client_times_out_during_a_delay_before_the_work() {
    let env = start().await;
    env.emu
        .inject(Fault::new(FaultRoute::CreateConnection).delay_ms(600));
    let sent_at = now_ms();
    let err = env
        .flow_on(&impatient(), Method::POST, CONNS)
        .json(&create_body("finished anyway"))
        .send()
        .await
        .expect_err("the client gives up before the answer");
    assert!(err.is_timeout(), "{err:?}");
    let created = env.wait_for_connection("finished anyway").await;
    assert!(
        created["createdAt"].as_u64().unwrap() >= sent_at + 600,
        "made after the delay, so after the client had given up: {created}"
    );
    assert_eq!(env.emu.connections().len(), 1);
}

#[tokio::test]
async fn create_is_done_before_a_delay_after_the_work_and_the_client_timing_out() {
    let env = start().await;
    // Added over HTTP, as scripts do: the new field must deserialize there.
    let resp = env
        .http
        .post(env.url("/_emulator/faults"))
        .json(&json!({"route": "create_connection", "delay_after_ms": 600}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let err = env
        .flow_on(&impatient(), Method::POST, CONNS)
        .json(&create_body("done first"))
        .send()
        .await
        .expect_err("the answer is held back past the client's timeout");
    assert!(err.is_timeout(), "{err:?}");
    env.wait_for_connection("done first").await;
    assert_eq!(env.emu.connections().len(), 1);
}

#[tokio::test]
async fn delay_after_holds_the_answer_of_a_patient_client() {
    let env = start().await;
    env.emu
        .inject(Fault::new(FaultRoute::CreateConnection).delay_after_ms(300));
    let started = Instant::now();
    let resp = env
        .flow(Method::POST, CONNS)
        .json(&create_body("patient"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let id = resp.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = env.wait_for_connection("patient").await;
    assert_eq!(created["id"], id.as_str());
}
