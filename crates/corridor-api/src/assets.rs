//! The dashboard: one page and its script and style, embedded in the binary (no build step,
//! no CDN; it works offline). The page reads the API with the token its user pastes in.

use axum::http::header;
use axum::response::IntoResponse;

const INDEX: &str = include_str!("../assets/index.html");
const SCRIPT: &str = include_str!("../assets/app.js");
const STYLE: &str = include_str!("../assets/app.css");

/// Headers every asset carries: no sniffing, no framing, nothing loaded from elsewhere.
const SECURITY: [(header::HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    ),
];

#[utoipa::path(
    get,
    path = "/",
    responses((status = 200, description = "The dashboard's page", content_type = "text/html"), crate::openapi::Failures)
)]
pub(crate) async fn index() -> impl IntoResponse {
    (
        SECURITY,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INDEX,
    )
}

#[utoipa::path(
    get,
    path = "/assets/app.js",
    responses((status = 200, description = "The dashboard's script", content_type = "text/javascript"), crate::openapi::Failures)
)]
pub(crate) async fn script() -> impl IntoResponse {
    (
        SECURITY,
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

#[utoipa::path(
    get,
    path = "/assets/app.css",
    responses((status = 200, description = "The dashboard's style", content_type = "text/css"), crate::openapi::Failures)
)]
pub(crate) async fn style() -> impl IntoResponse {
    (
        SECURITY,
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLE,
    )
}
