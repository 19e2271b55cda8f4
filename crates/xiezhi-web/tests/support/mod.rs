//! The test application: a fresh database (SQLite file or PostgreSQL database, from
//! `xiezhi-test-support`) with the demo roster and 3000 synthetic demo cases linked to it, six
//! accounts (one per role, two managers), a clock the test moves, a counting seed source.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use tower::ServiceExt;
use xiezhi_app::accounts::NewAccount;
use xiezhi_app::{Actor, App, AppConfig};
use xiezhi_store::Store;
use xiezhi_test_support::{TestClock, TestDb};
use xiezhi_web::{AppState, WebConfig};

pub const PASSWORD: &str = "correct horse battery";
pub const UPLOAD_LIMIT: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<TestClock>,
    /// The judge of the judge and clerk accounts (粤0103).
    pub judge: String,
    pub db: TestDb,
}

pub struct SessionInfo {
    pub cookie: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    /// The body as text (lossy for binary bodies; see `bytes`).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

/// `name=value` of the session cookie a reply sets.
pub fn cookie_of(reply: &Reply) -> Option<String> {
    reply.header("set-cookie").and_then(|c| c.split(';').next().map(str::to_owned))
}

/// A `multipart/form-data` body of text fields and one file: the body and its content type.
pub fn multipart(fields: &[(&str, &str)], file: (&str, &str, &str)) -> (String, String) {
    let boundary = "----xiezhi-test-boundary-7d3f";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    let (name, file_name, content) = file;
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n{content}\r\n--{boundary}--\r\n"
    ));
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// A multipart body with one binary file (no other fields).
pub fn multipart_file(file_name: &str, content: &[u8]) -> (Vec<u8>, String) {
    let boundary = "----xiezhi-test-boundary-9c1e";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// Escapes text as the templates do (minijinja's HTML auto-escaping).
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The text between `start` and the next `end` after it.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// Percent-encodes a query value or path segment.
pub fn enc(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Closes the test database (and drops a PostgreSQL one).
pub async fn drop_database(app: TestApp) {
    let TestApp { state, db, .. } = app;
    drop(state);
    db.finish().await;
}

impl TestApp {
    pub async fn new(backend: Backend) -> Option<TestApp> {
        let db = match backend {
            Backend::Sqlite => TestDb::sqlite().await,
            Backend::Postgres => TestDb::postgres().await?,
        };
        let store = db.store.clone();
        let app_config = AppConfig {
            argon2_memory_kib: 1024,
            argon2_iterations: 1,
            // Notice another process's imports at once.
            data_check_millis: 0,
            ..AppConfig::default()
        };
        // 2026-10-31 12:00 CST.
        let clock = Arc::new(TestClock::at_noon("2026-10-31"));
        let app = App::new(store.clone(), clock.clone(), app_config)
            .with_seeds(Arc::new(xiezhi_test_support::CountingSeeds::default()))
            .with_files_dir(db.files_dir().join("xiezhi-files"));
        let config =
            xiezhi_demo::DemoConfig { cases: 3000, seed: 5, as_of: xiezhi_test_support::d("2026-10-31"), years: 4 };
        // The demo roster first: the imported demo cases link to its 工号.
        app.install_demo_roster(Actor::Cli, &config).await.unwrap();
        let mut tx = store.begin_import(config.cases).await.unwrap();
        let facts: Vec<_> = xiezhi_demo::generate(&config).collect();
        tx.upsert(&facts).await.unwrap();
        let record = xiezhi_store::AuditRecord::new("2026-10-31 00:00:00", None, "demo_generate");
        tx.commit("(demo)", "2026-10-31 00:00:00", facts.len() as u64, 0, Box::new(move |_| record)).await.unwrap();
        // The busiest civil judge of 粤0103: the one with the most 民初 cases, who has open ones
        // (the stories record events on an open 民初 case of the judge's and list its cases).
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        let mut open = std::collections::BTreeSet::<String>::new();
        for f in &facts {
            if f.case_number.court().map(|c| c.to_string()).as_deref() == Some("粤0103")
                && f.case_number.type_code().as_str() == "民初"
                && let Some(j) = f.judge.as_deref().filter(|j| !j.trim().is_empty())
            {
                *counts.entry(j.trim().to_owned()).or_default() += 1;
                if f.closed_on.is_none() && f.filed_on <= xiezhi_test_support::d("2026-10-20") {
                    open.insert(j.trim().to_owned());
                }
            }
        }
        counts.retain(|j, _| open.contains(j));
        let judge = counts.iter().max_by_key(|(_, n)| **n).map(|(j, _)| j.clone()).expect("粤0103 has civil judges");
        for (username, role, court, judge_name) in [
            ("admin", "admin", None, None),
            ("manager-city", "manager", Some("粤01"), None),
            ("manager-basic", "manager", Some("粤0103"), None),
            ("judge", "judge", Some("粤0103"), Some(judge.as_str())),
            ("clerk", "clerk", Some("粤0103"), Some(judge.as_str())),
            ("registrar", "registrar", Some("粤0103"), None),
        ] {
            let new = NewAccount {
                username: username.to_owned(),
                password: PASSWORD.to_owned(),
                role: role.to_owned(),
                court: court.map(str::to_owned),
                judge: judge_name.map(str::to_owned),
            };
            app.add_user(Actor::Cli, &new).await.unwrap();
        }
        let web_config = WebConfig { max_upload_bytes: UPLOAD_LIMIT, ..WebConfig::new(db.files_dir()) };
        let state = AppState::new(app, web_config);
        Some(TestApp { state, clock, judge, db })
    }

    pub fn store(&self) -> &Store {
        &self.state.app.store
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(seconds);
    }

    pub async fn request(
        &self,
        method: Method,
        uri: &str,
        cookie: Option<&str>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.request_from("10.0.0.1", method, uri, cookie, body, headers).await
    }

    /// A request with a binary body (a file upload).
    pub async fn request_bytes(
        &self,
        method: Method,
        uri: &str,
        cookie: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.send("10.0.0.1", method, uri, cookie, Body::from(body), headers).await
    }

    /// A request from the client at `peer` (the address the server sees).
    pub async fn request_from(
        &self,
        peer: &str,
        method: Method,
        uri: &str,
        cookie: Option<&str>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.send(peer, method, uri, cookie, body.map_or_else(Body::empty, Body::from), headers).await
    }

    async fn send(
        &self,
        peer: &str,
        method: Method,
        uri: &str,
        cookie: Option<&str>,
        body: Body,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri).header("host", "localhost");
        let peer: std::net::IpAddr = peer.parse().unwrap();
        request = request.extension(axum::extract::ConnectInfo(std::net::SocketAddr::new(peer, 40_000)));
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let request = request.body(body).unwrap();
        let response = xiezhi_web::router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
    }

    pub fn login_body(&self, user: &str) -> String {
        serde_json::json!({"username": user, "password": PASSWORD}).to_string()
    }

    pub async fn login(&self, user: &str) -> SessionInfo {
        let r = self
            .request(
                Method::POST,
                "/api/v1/login",
                None,
                Some(self.login_body(user)),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {user}: {}", r.body);
        let cookie = cookie_of(&r).unwrap();
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        SessionInfo { cookie, csrf: json["csrf_token"].as_str().unwrap().to_owned() }
    }

    /// A JSON POST with the session's CSRF token.
    pub async fn post_json(&self, uri: &str, s: &SessionInfo, body: &serde_json::Value) -> Reply {
        self.request(
            Method::POST,
            uri,
            Some(&s.cookie),
            Some(body.to_string()),
            &[("content-type", "application/json"), ("x-csrf-token", &s.csrf)],
        )
        .await
    }

    pub async fn get_json(&self, uri: &str, s: &SessionInfo) -> serde_json::Value {
        let r = self.request(Method::GET, uri, Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        self.store().audit_entries(1000).await.unwrap().into_iter().map(|e| e.action).collect()
    }

    /// A 案号 of `court`; with `Some(true)` one of the test judge, `Some(false)` another judge's.
    pub async fn case_of_court(&self, court: &str, own: Option<bool>) -> String {
        let facts = self.store().load_facts().await.unwrap();
        facts
            .iter()
            .find(|f| {
                f.case_number.court().map(|c| c.to_string()).as_deref() == Some(court)
                    && match own {
                        None => true,
                        Some(true) => f.judge.as_deref() == Some(self.judge.as_str()),
                        Some(false) => f.judge.as_deref().is_some_and(|j| j != self.judge && !j.trim().is_empty()),
                    }
            })
            .map(|f| f.case_number.as_str().to_owned())
            .expect("such a case exists")
    }

    /// A one-row CSV of a new case of `court`.
    pub fn csv_for(&self, court: &str, n: u32) -> String {
        format!("case_number,filed_on\n（2026）{court}民初{n}号,2026-03-01\n")
    }
}
