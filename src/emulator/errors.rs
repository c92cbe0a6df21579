//! The error bodies Adobe's services answer with (docs/flow-service-api.md §1 and §4), byte for byte
//! where the doc gives them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The `x-request-id` of the request being answered, put in request extensions by the front
/// middleware so that error bodies can repeat it.
#[derive(Clone, Debug)]
pub(crate) struct RequestId(pub String);

/// A JSON response with `Content-Type: application/json`.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// A gateway error: `{"error_code": "403010", "message": "Oauth token is missing."}`.
pub(crate) fn gateway_error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!({"error_code": code, "message": message}))
}

/// An IMS (OAuth) error: `{"error": "invalid_client", "error_description": "..."}`.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

/// The body a write without a JSON content type gets, before Flow Service proper sees it.
pub(crate) fn content_type_error() -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "type": "/placeholder/type/uri",
            "status": 400,
            "title": "BadRequestError",
            "detail": "A valid content-type must be specified",
        }),
    )
}

/// Whether a `Content-Type` header names JSON (parameters such as `charset` allowed).
pub(crate) fn is_json_content_type(value: Option<&str>) -> bool {
    let Some(v) = value else { return false };
    let mime = v.split(';').next().unwrap_or_default().trim();
    mime.eq_ignore_ascii_case("application/json")
        || mime.eq_ignore_ascii_case("application/json-patch+json")
}

/// A Flow Service error, rendered once the request ID is known.
#[derive(Clone, Debug)]
pub(crate) struct FlowError {
    pub status: StatusCode,
    pub code: u16,
    pub title: &'static str,
    pub message: String,
}

impl FlowError {
    /// A Flow error with its status, numeric code, title and message.
    pub fn new(
        status: StatusCode,
        code: u16,
        title: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            title,
            message: message.into(),
        }
    }

    /// 400 with `code` and the title Adobe uses for bad requests.
    pub fn bad_request(code: u16, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad Request", message)
    }

    /// 400 FLOW-1304: a mandatory field is missing.
    pub fn missing_field(field: &str) -> Self {
        Self::bad_request(
            1304,
            format!("Mandatory field '{field}' is missing or empty."),
        )
    }

    /// 404 FLOW-1439: no connection `id` in this sandbox.
    pub fn connection_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            1439,
            "Resource not found",
            format!(
                "The requested connection with id '{id}' is not found. Check the id and the sandbox."
            ),
        )
    }

    /// The full JSON body, with `request_id` in `report.request-id`.
    pub fn body(&self, request_id: &str) -> Value {
        flow_error_body(
            self.status,
            self.code,
            self.title,
            &self.message,
            request_id,
        )
    }

    /// The response for the request `request_id`.
    pub fn at(&self, request_id: &str) -> Response {
        json_response(self.status, &self.body(request_id))
    }
}

/// `{"type": ".../FLOW-{code}-{status}", "title", "status", "report": {...}, "errorMessage", "errorDetails"}`.
pub(crate) fn flow_error_body(
    status: StatusCode,
    code: u16,
    title: &str,
    message: &str,
    request_id: &str,
) -> Value {
    let status = status.as_u16();
    json!({
        "type": format!("https://ns.adobe.com/aep/errors/FLOW-{code}-{status}"),
        "title": title,
        "status": status,
        "report": {
            "detailed-message": message,
            "id": uuid::Uuid::new_v4().to_string(),
            "request-id": request_id,
            "type": "flows",
        },
        "errorMessage": message,
        "errorDetails": format!("FLOW-{code}-{status}: {message}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_body_has_the_documented_shape() {
        let b = FlowError::connection_not_found("x").body("rid-1");
        assert_eq!(b["type"], "https://ns.adobe.com/aep/errors/FLOW-1439-404");
        assert_eq!(b["status"], 404);
        assert_eq!(b["report"]["request-id"], "rid-1");
        assert_eq!(b["report"]["type"], "flows");
        assert!(
            b["errorMessage"]
                .as_str()
                .is_some_and(|m| m.contains("'x'"))
        );
    }

    #[test]
    fn json_content_types_are_recognised_with_parameters() {
        assert!(is_json_content_type(Some(
            "application/json; charset=utf-8"
        )));
        assert!(is_json_content_type(Some("Application/JSON")));
        assert!(!is_json_content_type(Some("text/plain")));
        assert!(!is_json_content_type(None));
    }
}
