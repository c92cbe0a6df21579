//! The HTTP server: our own accept loop (so a connection can be dropped without answering), the
//! front middleware (request IDs, the request log, faults), the routes and the control routes.
//!
//! Each request's work runs in a task of its own that the connection only awaits: a client that
//! gives up (times out, is killed) closes the connection and drops that wait, never the work, so a
//! create still happens, as at Adobe, which does not roll back.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Json, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper::service::Service as _;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde::Deserialize;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::{JoinHandle, JoinSet};

use super::errors::{RequestId, gateway_error, json_response};
use super::fault::{self, Fault, FaultRoute};
use super::state::{Shared, lock};
use super::{RecordedRequest, auth, connections, explore, patch, sandboxes, specs};

/// Requests bodies above this are refused; the real API takes far less.
const MAX_BODY: usize = 16 * 1024 * 1024;

const FLOW: &str = "/data/foundation/flowservice";

/// The running accept loop.
pub(crate) struct Server {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    work: Work,
}

impl Server {
    /// Binds 127.0.0.1:`port` and starts serving in a task.
    pub async fn start(port: u16, shared: Shared) -> std::io::Result<(Server, SocketAddr)> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = oneshot::channel();
        let work = Work::default();
        let task = tokio::spawn(accept_loop(listener, router(shared, work.clone()), stop_rx));
        let server = Server {
            stop: Some(stop_tx),
            task: Some(task),
            work,
        };
        Ok((server, addr))
    }

    /// Stops accepting, closes every connection, abandons the work still running (a fault's
    /// delay can be a minute) and waits for all of it to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.work.shutdown().await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Aborting the loop drops its JoinSet, which aborts every connection task too.
        if let Some(task) = self.task.take() {
            task.abort();
        }
        self.work.abort_all();
    }
}

/// The tasks doing requests' work, apart from the connections that wait for their answers.
#[derive(Clone, Default)]
struct Work(Arc<Mutex<JoinSet<()>>>);

impl Work {
    fn set(&self) -> std::sync::MutexGuard<'_, JoinSet<()>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` to the end whether or not anyone still waits for it.
    fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        let mut set = self.set();
        // Forget finished tasks so that the set holds only running ones.
        while set.try_join_next().is_some() {}
        set.spawn(work);
    }

    fn abort_all(&self) {
        self.set().abort_all();
    }

    async fn shutdown(&self) {
        let mut set = std::mem::take(&mut *self.set());
        set.shutdown().await;
    }
}

/// What the front middleware needs: the state, and where to run requests' work.
#[derive(Clone)]
struct Front {
    shared: Shared,
    work: Work,
}

async fn accept_loop(listener: TcpListener, router: Router, mut stop: oneshot::Receiver<()>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(serve_connection(stream, router.clone()));
                }
                Err(e) => {
                    // Usually out of file descriptors: give the open connections time to close.
                    tracing::warn!("emulator: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.shutdown().await;
}

/// Lets a handler close its TCP connection without a response being written.
#[derive(Clone, Default)]
pub(crate) struct ConnAbort(Arc<Notify>);

impl ConnAbort {
    fn fire(&self) {
        self.0.notify_one();
    }
}

async fn serve_connection(stream: TcpStream, router: Router) {
    let abort = ConnAbort::default();
    let for_requests = abort.clone();
    let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(for_requests.clone());
        TowerToHyperService::new(router.clone()).call(req)
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    // Biased so the abort wins over a connection that could otherwise go on to write.
    tokio::select! {
        biased;
        () = abort.0.notified() => {}
        result = conn => {
            if let Err(e) = result {
                tracing::debug!("emulator: connection ended with an error: {e}");
            }
        }
    }
}

fn router(shared: Shared, work: Work) -> Router {
    let conns = format!("{FLOW}/connections");
    let specs = format!("{FLOW}/connectionSpecs");
    let one = format!("{FLOW}/connections/{{id}}");
    let collection = get(connections::list).post(connections::create);
    let item = get(connections::get)
        .patch(patch::patch)
        .delete(connections::delete);
    Router::new()
        .route("/ims/token/v3", post(auth::token))
        .route("/data/foundation/sandbox-management/", get(sandboxes::list))
        .route("/data/foundation/sandbox-management", get(sandboxes::list))
        .route(&conns, collection.clone())
        .route(&format!("{conns}/"), collection)
        .route(&one, item.clone())
        .route(&format!("{one}/"), item)
        .route(&format!("{one}/test"), get(connections::test))
        .route(&format!("{one}/explore"), get(explore::explore))
        .route(&specs, get(specs::list))
        .route(&format!("{specs}/"), get(specs::list))
        .route(&format!("{specs}/{{id}}"), get(specs::get))
        .route(&format!("{specs}/{{id}}/"), get(specs::get))
        .route(&format!("{specs}/{{id}}/configs"), get(specs::configs))
        .route("/_emulator/faults", post(add_fault).delete(clear_faults))
        .route("/_emulator/state", get(state))
        .route("/_emulator/expire-tokens", post(expire_tokens))
        .route("/_emulator/token-lifetime", post(token_lifetime))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Front {
                shared: shared.clone(),
                work,
            },
            front,
        ))
        .with_state(shared)
}

/// Runs around every route: gives the response a fresh `x-request-id`, logs the request and
/// applies a matching fault.
async fn front(State(front): State<Front>, req: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut resp = handle(&front, req, next, &request_id).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

async fn handle(front: &Front, req: Request, next: Next, request_id: &str) -> Response {
    let shared = &front.shared;
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return gateway_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "413000",
            "Request body is too large or could not be read",
        );
    };
    let route = fault::classify(&parts.method, parts.uri.path());
    let (fault, latency) = {
        let mut state = lock(shared);
        state.requests.push(record(&parts, &bytes));
        if route == Some(FaultRoute::ImsToken) {
            state.ims_token_requests += 1;
        }
        let sandbox = parts
            .headers
            .get("x-sandbox-name")
            .and_then(|v| v.to_str().ok());
        // Over the rate limit: Adobe's gateway answer, before anything else.
        let fault = match route {
            Some(r) if !state.traffic.admit(std::time::Instant::now()) => {
                Some(Fault::new(r).status(429).retry_after(1))
            }
            Some(r) => state.take_fault(r, sandbox),
            None => None,
        };
        let latency = route.map_or(std::time::Duration::ZERO, |_| state.traffic.latency);
        (fault, latency)
    };
    parts.extensions.insert(RequestId(request_id.to_owned()));
    let abort = parts.extensions.get::<ConnAbort>().cloned();
    let req = Request::from_parts(parts, Body::from(bytes));
    let drop_after = fault.as_ref().is_some_and(Fault::drops_connection);

    let (answer_tx, answer_rx) = oneshot::channel();
    let route = route.unwrap_or(FaultRoute::Any);
    let id = request_id.to_owned();
    front.work.spawn(async move {
        tokio::time::sleep(latency).await;
        let resp = work(req, next, fault, route, &id).await;
        // Nobody listens when the client has gone: the work is done all the same.
        let _ = answer_tx.send(resp);
    });
    let Ok(resp) = answer_rx.await else {
        return gateway_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "503000",
            "The emulator is shutting down",
        );
    };
    if drop_after {
        if let Some(abort) = abort {
            abort.fire();
            // Never answer: the connection task drops the connection (and this future) first.
            std::future::pending::<()>().await;
        }
        tracing::warn!("emulator: process_then_drop outside the emulator's own server");
    }
    resp
}

/// A request's work: the fault's delay, the real handler (or the fault's replacement answer),
/// the fault's delay after the work, and the fault's shaping of the answer.
async fn work(
    req: Request,
    next: Next,
    fault: Option<Fault>,
    route: FaultRoute,
    request_id: &str,
) -> Response {
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    // The page's own URL as Flow Service writes links: relative to the service base.
    let own_href = req
        .uri()
        .path_and_query()
        .map(axum::http::uri::PathAndQuery::as_str)
        .unwrap_or_default()
        .trim_start_matches("/data/foundation/flowservice")
        .to_owned();
    fault::delay(&fault).await;
    let resp = if fault.needs_real_answer() {
        next.run(req).await
    } else {
        fault::replacement(&fault, route, request_id)
    };
    fault::delay_after(&fault).await;
    fault::shape(resp, &fault, &own_href).await
}

fn record(parts: &Parts, body: &Bytes) -> RecordedRequest {
    RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_owned(), value)
            })
            .collect(),
        body: body.to_vec(),
    }
}

async fn not_found(req: Request) -> Response {
    gateway_error(
        StatusCode::NOT_FOUND,
        "404000",
        &format!("No route for {} {}", req.method(), req.uri().path()),
    )
}

async fn add_fault(State(shared): State<Shared>, Json(fault): Json<Fault>) -> StatusCode {
    lock(&shared).faults.push(fault);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(shared): State<Shared>) -> StatusCode {
    lock(&shared).faults.clear();
    StatusCode::NO_CONTENT
}

async fn state(State(shared): State<Shared>) -> Response {
    let state = lock(&shared);
    let connections: Vec<_> = state
        .connections
        .iter()
        .map(super::state::Connection::item)
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "imsTokenRequests": state.ims_token_requests,
            "connections": connections,
            "faults": state.faults,
            "requestCount": state.requests.len(),
            "throttled": state.traffic.throttled,
            "throttledAtMs": state.traffic.throttled_at_ms,
        }),
    )
}

async fn expire_tokens(State(shared): State<Shared>) -> StatusCode {
    lock(&shared).expire_all_tokens();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct TokenLifetime {
    secs: u64,
}

async fn token_lifetime(
    State(shared): State<Shared>,
    Json(body): Json<TokenLifetime>,
) -> impl IntoResponse {
    lock(&shared).token_lifetime_secs = body.secs;
    StatusCode::NO_CONTENT
}
