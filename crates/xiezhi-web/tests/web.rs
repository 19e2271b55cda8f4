//! The web platform in-process (tower `oneshot`) against real SQLite and PostgreSQL: login,
//! sessions, CSRF, throttling, the scoping matrix of every route × role, audit entries, imports,
//! and that no page or asset names an external host.
//!
//! PostgreSQL: `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`); each
//! test creates and drops its own database. Unreachable → skipped with a notice, except under
//! `CI=true` (or `XIEZHI_REQUIRE_PG=1`), where it fails.

// Tests wait with timeouts and read the test environment (CI, TEST_DATABASE_URL, a browser).
#![allow(clippy::disallowed_methods)]

mod support;

use axum::http::{Method, StatusCode};
use support::{Backend, TestApp, enc, multipart, multipart_file};

const OUTSIDE_COURT: &str = "粤0303";

async fn each_backend(test: impl AsyncFn(&TestApp)) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(app) = TestApp::new(backend).await {
            test(&app).await;
            support::drop_database(app).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_per_client_and_never_locks_out_the_usual_client() {
    each_backend(async |app| {
        let login = async |peer: &str, user: &str, password: &str| {
            let body = serde_json::json!({"username": user, "password": password}).to_string();
            app.request_from(
                peer,
                Method::POST,
                "/api/v1/login",
                None,
                Some(body),
                &[("content-type", "application/json")],
            )
            .await
            .status
        };
        // The judge signs in from the office PC (10.0.0.1): it becomes the usual client.
        assert_eq!(login("10.0.0.1", "judge", support::PASSWORD).await, StatusCode::OK);
        // Someone else guesses from 10.0.0.9: five failures, then each attempt waits 2 s, 4 s …
        for _ in 0..5 {
            assert_eq!(login("10.0.0.9", "judge", "wrong password!").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(login("10.0.0.9", "judge", "wrong password!").await, StatusCode::TOO_MANY_REQUESTS);
        // The judge is not locked out: the right password from the office works at once.
        assert_eq!(login("10.0.0.1", "judge", support::PASSWORD).await, StatusCode::OK);
        // A delay, not a lock: after 2 s the guesser may try once more, then must wait 4 s.
        app.advance(2);
        assert_eq!(login("10.0.0.9", "judge", "wrong password!").await, StatusCode::UNAUTHORIZED);
        app.advance(2);
        assert_eq!(login("10.0.0.9", "judge", "wrong password!").await, StatusCode::TOO_MANY_REQUESTS);
        app.advance(2);
        assert_eq!(login("10.0.0.9", "judge", "wrong password!").await, StatusCode::UNAUTHORIZED);

        // One client spraying usernames: 30 failures, then it is refused whatever it sends
        // (a refused attempt is not a failure; the clerk's right password is refused too).
        for i in 0..30 {
            assert_eq!(login("10.0.0.66", &format!("nobody{i}"), "wrong password!").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(login("10.0.0.66", "clerk", support::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);

        // Many clients guessing one account: after 50 failures it is closed to every client but
        // the one that last signed in to it.
        assert_eq!(login("10.0.0.2", "clerk", support::PASSWORD).await, StatusCode::OK);
        for i in 0..50 {
            assert_eq!(login(&format!("10.1.0.{i}"), "clerk", "wrong password!").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(login("10.2.0.1", "clerk", support::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(login("10.0.0.2", "clerk", support::PASSWORD).await, StatusCode::OK);
        // The failures expire with the window (15 minutes).
        app.advance(15 * 60);
        assert_eq!(login("10.2.0.1", "clerk", support::PASSWORD).await, StatusCode::OK);
        assert_eq!(login("10.0.0.66", "clerk", support::PASSWORD).await, StatusCode::OK);
    })
    .await;
}

#[test]
fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    use xiezhi_web::client_address;
    let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("x-forwarded-for", "1.2.3.4, 10.9.9.9".parse().unwrap());
    // An untrusted peer that sends the header is itself the client.
    assert_eq!(client_address(Some(ip("10.0.0.5")), &headers, &[]), "10.0.0.5");
    // Through the trusted proxy 10.9.9.1, which appends what it saw (10.9.9.9, another trusted
    // hop): the last untrusted address is the client.
    let trusted = [ip("10.9.9.1"), ip("10.9.9.9")];
    assert_eq!(client_address(Some(ip("10.9.9.1")), &headers, &trusted), "1.2.3.4");
    // A trusted proxy with no header: the proxy is the client.
    assert_eq!(client_address(Some(ip("10.9.9.1")), &axum::http::HeaderMap::new(), &trusted), "10.9.9.1");
    assert_eq!(client_address(None, &headers, &trusted), "local");
}

/// Seen on 2026-12-05, data ending in October: pages default to January–October (not to
/// today, which would count November as an empty month and flip the year-on-year signs), the
/// year-ago period is January–October 2025, and every page says 数据截至.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_period_ends_with_the_last_month_of_data() {
    each_backend(async |app| {
        app.advance(35 * 24 * 3600);
        let s = app.login("manager-city").await;
        for path in ["/", "/metrics", "/reports"] {
            let r = app.request(Method::GET, path, Some(&s.cookie), None, &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(r.body.contains("name=\"from\" value=\"2026-01-01\""), "{path}");
            assert!(r.body.contains("name=\"to\" value=\"2026-10-31\""), "{path}");
            assert!(r.body.contains("数据截至 2026-10-"), "{path}: the footer names the data's last day");
        }
        let r = app.request(Method::GET, "/", Some(&s.cookie), None, &[]).await;
        assert!(r.body.contains("2025-01-01") && r.body.contains("2025-10-31"), "the year-ago period");
        // Presets one click away, keeping the scope: 本月, 本季, 本年 (the shown one), 上年同期.
        for (label, from, to) in [
            ("本月", "2026-10-01", "2026-10-31"),
            ("本季", "2026-10-01", "2026-10-31"),
            ("本年", "2026-01-01", "2026-10-31"),
            ("上年同期", "2025-01-01", "2025-10-31"),
        ] {
            let link = format!("from={from}&amp;to={to}&amp;group=city%7C%E7%B2%A401%7C\">{label}</a>");
            assert!(r.body.contains(&link), "{label}: {link}");
        }
        assert!(
            r.body.contains("class=\"on\" href=\"&#x2f;?from=2026-01-01&amp;to=2026-10-31"),
            "本年 is the period shown"
        );
    })
    .await;
}

/// A judge's metrics page keeps the judge when the dates change: the picker holds the judge
/// being looked at, selected, so the form submits it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_judge_metrics_page_keeps_its_scope_when_the_dates_change() {
    each_backend(async |app| {
        let s = app.login("manager-basic").await;
        let judge = xiezhi_web::enc_query(&app.judge);
        let path = format!("/metrics?kind=judge&code={judge}&court=%E7%B2%A40103&from=2026-02-01&to=2026-03-31");
        let r = app.request(Method::GET, &path, Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        let option = format!("<option value=\"judge|{}|粤0103\" selected>", app.judge);
        assert!(r.body.contains(&option), "the judge is the selected option of the picker");
        assert!(r.body.contains(&app.judge));
    })
    .await;
}

/// A drill-down shows its 口径, a 未达标 tab for rates (the late cases behind 审限内结案率),
/// the amounts behind 执行到位率, and judges (not cases) as 法官人均结案's denominator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drill_downs_surface_the_problem_cases() {
    each_backend(async |app| {
        let s = app.login("manager-basic").await;
        let page = |path: String| {
            let cookie = s.cookie.clone();
            async move { app.request(Method::GET, &path, Some(&cookie), None, &[]).await }
        };
        let base = "/metrics/explain?kind=court&code=%E7%B2%A40103&from=2026-01-01&to=2026-09-30";
        let r = page(format!("{base}&id=on_time_rate")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("口径</strong>"), "the definition is on the page");
        let count = |body: &str, label: &str| -> usize {
            let at = body.find(label).unwrap_or_else(|| panic!("{label}")) + label.len();
            body[at..].trim_start().split(' ').next().unwrap().parse().unwrap()
        };
        let (numerator, denominator, missed) =
            (count(&r.body, "分子"), count(&r.body, "分母"), count(&r.body, "未达标"));
        assert!(denominator > 0);
        assert_eq!(missed, denominator - numerator, "未达标 = the denominator's cases outside the numerator");
        let r = page(format!("{base}&id=on_time_rate&side=missed")).await;
        assert!(r.body.contains("class=\"on\">未达标"), "the tab opens");
        // 上诉率 is a rate where lower is better: no 未达标 tab.
        let r = page(format!("{base}&id=appeal_rate")).await;
        assert!(!r.body.contains("未达标"));
        // 法官人均结案: the denominator lists judges.
        let r = page(format!("{base}&id=closed_per_judge&side=denominator")).await;
        assert!(r.body.contains("id=\"judges\"") && r.body.contains("分母是法官人数"), "judges, not cases");
        // 执行到位率: the amounts are columns.
        let r = page(format!("{base}&id=recovery_rate&side=denominator")).await;
        assert!(r.body.contains("申请执行标的额（元）") && r.body.contains("执行到位金额（元）"));
        // The metrics page: every indicator's 口径 one click away.
        let r = page("/metrics".to_owned()).await;
        assert!(r.body.contains("<details class=\"def\"><summary>审限内结案率</summary>"));
        assert!(r.body.contains("于审限届满日"), "the on-time definition");
    })
    .await;
}

/// The origin court sees the later cases of its own cases and their results (the appeal
/// heard at the 中院), without being able to open them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lower_court_sees_the_appeals_of_its_own_cases() {
    each_backend(async |app| {
        let admin = app.login("admin").await;
        let appeals = app.get_json("/api/v1/cases?type=%E6%B0%91%E7%BB%88&per_page=200", &admin).await;
        let mut found = None;
        for c in appeals["cases"].as_array().unwrap() {
            let number = c["case_number"].as_str().unwrap();
            let case = app.get_json(&format!("/api/v1/cases/{}", xiezhi_web::enc_query(number)), &admin).await;
            if let Some(origin) = case["origin_case_number"].as_str().filter(|o| o.contains("粤0103")) {
                found = Some((number.to_owned(), origin.to_owned()));
                break;
            }
        }
        let (appeal, origin) = found.expect("the demo has an appeal of a 粤0103 case");
        let s = app.login("manager-basic").await;
        let r = app
            .request(Method::GET, &format!("/cases/{}", xiezhi_web::enc_query(&origin)), Some(&s.cookie), None, &[])
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let at = r.body.find("后续案件").unwrap();
        let chain = &r.body[at..];
        assert!(chain.contains(&appeal), "the appeal is listed under 后续案件");
        assert!(chain.contains("不在本院查看范围"), "and marked as heard elsewhere");
        // The API says the same, and the appeal itself stays closed to the basic court.
        let json = app.get_json(&format!("/api/v1/cases/{}", xiezhi_web::enc_query(&origin)), &s).await;
        let followers = json["followers"].as_array().unwrap();
        assert!(followers.iter().any(|f| f["case_number"] == appeal.as_str() && f["openable"] == false));
        let r = app
            .request(Method::GET, &format!("/cases/{}", xiezhi_web::enc_query(&appeal)), Some(&s.cookie), None, &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// Any table a page shows comes back as an XLSX: figures as numbers, dates as dates, text as
/// text (a formula-like cell stays text); only with the session's CSRF token; audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_of_a_page_exports_as_xlsx() {
    each_backend(async |app| {
        let s = app.login("manager-basic").await;
        let body = serde_json::json!({
            "title": "超审限未结",
            "headers": ["案号", "承办人", "案龄(天)", "结案率", "立案日期"],
            "rows": [["（2024）粤0103民初1号", "=HYPERLINK(\"x\")", "1,647", "80.54%", "2024-03-05"]],
        })
        .to_string();
        let json = [("content-type", "application/json")];
        let r = app.request(Method::POST, "/export/table", Some(&s.cookie), Some(body.clone()), &json).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token");
        let headers = [("content-type", "application/json"), ("x-csrf-token", s.csrf.as_str())];
        let r = app.request(Method::POST, "/export/table", Some(&s.cookie), Some(body), &headers).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.header("content-disposition").unwrap().contains("%E8%B6%85%E5%AE%A1%E9%99%90%E6%9C%AA%E7%BB%93.xlsx")
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, &r.bytes).unwrap();
        let table = xiezhi_import::table::read_table(&path, None).unwrap();
        // The title row heads the sheet; then the headers and the row.
        assert_eq!(table.headers[0], "超审限未结");
        assert_eq!(table.rows[0].cells, ["案号", "承办人", "案龄(天)", "结案率", "立案日期"]);
        let row = &table.rows[1].cells;
        assert_eq!(row[0], "（2024）粤0103民初1号");
        assert_eq!(row[1], "=HYPERLINK(\"x\")", "text, not a formula");
        assert_eq!(row[2], "1647", "a number");
        assert!(row[3].starts_with("0.805"), "a percentage as a number: {}", row[3]);
        // 2024-03-05 is Excel day 45356.
        assert_eq!(row[4], "45356", "a date cell");
        assert!(app.audit_actions().await.iter().any(|a| a == "table_export"));
    })
    .await;
}

/// 法律检索: every signed-in user searches the statutes shipped in the binary, the matching
/// words marked, and opens an article with its versions side by side.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statutes_are_searched_and_an_article_shows_its_versions() {
    each_backend(async |app| {
        let s = app.login("judge").await;
        let q = xiezhi_web::enc_query("盗窃公私财物");
        let r =
            app.request(Method::GET, &format!("/laws?q={q}&law=%E5%88%91%E6%B3%95"), Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("《中华人民共和国刑法》第二百六十四条"), "{}", &r.body[..r.body.len().min(2000)]);
        assert!(r.body.contains("<mark>盗窃公私财物</mark>"));
        // 仲裁法第一条 as of 2026-06-01: both versions, the 2025 one in force that day.
        let cite = xiezhi_web::enc_query("仲裁法第一条");
        let r =
            app.request(Method::GET, &format!("/laws?cite={cite}&as_of=2026-06-01"), Some(&s.cookie), None, &[]).await;
        assert!(r.body.contains("2017-09-01 版") && r.body.contains("2025-09-12 版"), "two versions");
        assert!(r.body.contains("2026-06-01 时有效"));
        let r = app.request(Method::GET, "/laws?cite=%E7%AC%AC%E5%8D%81%E6%9D%A1", Some(&s.cookie), None, &[]).await;
        assert!(r.body.contains("不是可识别的法条引注"));
    })
    .await;
}

/// A judge's dashboard has no card that says nothing: no 法官人均结案 (the judge's own count),
/// no 执行 card when the judge hears no enforcement case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_judges_dashboard_has_no_meaningless_cards() {
    each_backend(async |app| {
        let s = app.login("judge").await;
        let r = app.request(Method::GET, "/", Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("data-id=\"closed\""), "the judge's own figures are there");
        assert!(!r.body.contains("data-id=\"closed_per_judge\""));
        // The demo judge hears 民事 cases only.
        assert!(!r.body.contains("data-id=\"recovery_rate\"") && !r.body.contains("data-id=\"enf_closure_rate\""));
        // The city still shows all twelve.
        let m = app.login("manager-city").await;
        let r = app.request(Method::GET, "/", Some(&m.cookie), None, &[]).await;
        assert_eq!(r.body.matches("class=\"card\"").count(), 12);
    })
    .await;
}

/// A basic court is set against its city and its province on rates and days, never on counts
/// (a count is the larger group's total, not an average); 同比 carries its unit; ranks say
/// among how many.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_basic_court_is_compared_with_its_city_and_province_but_not_on_counts() {
    each_backend(async |app| {
        let s = app.login("manager-basic").await;
        let r = app.request(Method::GET, "/", Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        let card = |id: &str| -> String {
            let at = r.body.find(&format!("data-id=\"{id}\"")).unwrap_or_else(|| panic!("card {id}"));
            let end = at + r.body[at..].find("</a>").unwrap();
            r.body[at..end].to_owned()
        };
        let clearance = card("clearance_rate");
        assert!(clearance.contains("· 全市 ") && clearance.contains("· 全省 "), "{clearance}");
        assert!(clearance.contains("个百分点") || clearance.contains("持平") || clearance.contains("—"), "{clearance}");
        let accepted = card("accepted");
        assert!(!accepted.contains("全市") && !accepted.contains("全省"), "counts are not compared: {accepted}");
        let days = card("avg_days");
        assert!(days.contains("天</span>") || days.contains(">持平<") || days.contains(">—<"), "{days}");
        // The city's metrics page with ranks: 第N位/共M个, and only for indicators with a direction.
        let m = app.login("manager-city").await;
        let r = app.request(Method::GET, "/metrics?ranks=1", Some(&m.cookie), None, &[]).await;
        let admin = app.login("admin").await;
        let cities = app.get_json("/api/v1/metrics", &admin).await["groups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["kind"] == "city")
            .count();
        assert!(cities >= 2, "the demo province has several cities");
        // (minijinja escapes the slash.)
        assert!(r.body.contains(&format!("位&#x2f;共{cities}个")), "ranked among the {cities} cities");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sessions_and_throttling() {
    each_backend(async |app| {
        // Unauthenticated: pages redirect to the login page, the API answers 401.
        let r = app.request(Method::GET, "/", None, None, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.header("location").as_deref(), Some("/login"));
        assert_eq!(app.request(Method::GET, "/api/v1/session", None, None, &[]).await.status, StatusCode::UNAUTHORIZED);

        // A good login: HttpOnly, SameSite=Strict cookie; the session names the user and the CSRF token.
        let first = app.login("manager-city").await;
        let session = app.get_json("/api/v1/session", &first).await;
        assert_eq!(session["role"], "manager");
        assert_eq!(session["court"], "粤01");
        assert_eq!(session["csrf_token"].as_str().unwrap().len(), 64);
        // The database keeps only a hash of the session id: a copy of it opens no session.
        let stored: Vec<String> = app.store().stored_session_keys().await.unwrap();
        let token = first.cookie.split_once('=').map_or(first.cookie.as_str(), |(_, v)| v);
        assert!(!stored.is_empty() && stored.iter().all(|id| id != token && !first.cookie.contains(id.as_str())));

        // A new login renews the session id; the old cookie is dead.
        let r = app
            .request(
                Method::POST,
                "/api/v1/login",
                Some(&first.cookie),
                Some(app.login_body("manager-city")),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let renewed = support::cookie_of(&r).unwrap();
        assert_ne!(renewed, first.cookie);
        assert_eq!(
            app.request(Method::GET, "/api/v1/session", Some(&first.cookie), None, &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(app.request(Method::GET, "/api/v1/session", Some(&renewed), None, &[]).await.status, StatusCode::OK);

        // Idle timeout: 31 minutes later the session is gone; a page says so on the login form.
        app.advance(31 * 60);
        assert_eq!(
            app.request(Method::GET, "/api/v1/session", Some(&renewed), None, &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
        let r = app.request(Method::GET, "/cases?status=pending", Some(&renewed), None, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // The login page returns to the page that asked for it.
        assert_eq!(r.header("location").as_deref(), Some("/login?expired=1&next=%2Fcases%3Fstatus%3Dpending"));
        let r = app.request(Method::GET, "/login?expired=1&next=%2Fcases%3Fstatus%3Dpending", None, None, &[]).await;
        assert!(r.body.contains("会话已过期，请重新登录。"), "{}", r.body);
        assert!(r.body.contains("name=\"next\" value=\"&#x2f;cases?status=pending\""), "{}", r.body);
        let form =
            |next: &str| format!("username=clerk&password={}&next={}", support::PASSWORD, xiezhi_web::enc_query(next));
        for (next, expected) in [
            ("/cases?status=pending", "/cases?status=pending"),
            // Another site, a scheme-relative address, a login loop: home instead.
            ("https://evil.example/", "/"),
            ("//evil.example/", "/"),
            ("/\\evil.example", "/"),
            ("/login?next=/login", "/"),
        ] {
            let r = app
                .request(
                    Method::POST,
                    "/login",
                    None,
                    Some(form(next)),
                    &[("content-type", "application/x-www-form-urlencoded")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}");
            assert_eq!(r.header("location").as_deref(), Some(expected), "{next}");
        }

        // Wrong passwords: 401 five times, then 429 even with the right password.
        for _ in 0..5 {
            let r = app
                .request(
                    Method::POST,
                    "/api/v1/login",
                    None,
                    Some(r#"{"username":"judge","password":"wrong password!"}"#.into()),
                    &[("content-type", "application/json")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = app
            .request(
                Method::POST,
                "/api/v1/login",
                None,
                Some(app.login_body("judge")),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        // The login page says so too.
        let r = app
            .request(
                Method::POST,
                "/login",
                None,
                Some(format!("username=judge&password={}", support::PASSWORD)),
                &[("content-type", "application/x-www-form-urlencoded")],
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("登录失败次数过多"));
        // After the window the right password works again.
        app.advance(16 * 60);
        app.login("judge").await;
        // Other users were never throttled; a page login redirects home with the cookie.
        let r = app
            .request(
                Method::POST,
                "/login",
                None,
                Some(format!("username=clerk&password={}", support::PASSWORD)),
                &[("content-type", "application/x-www-form-urlencoded")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let cookie = r.header("set-cookie").unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");

        let actions = app.audit_actions().await;
        assert!(actions.iter().filter(|a| a.as_str() == "login_failed").count() >= 5, "{actions:?}");
        assert!(actions.iter().any(|a| a == "login_throttled") && actions.iter().any(|a| a == "login"));
        // Oversized logins are refused before anything is stored about them: a body over the
        // form limit (413), a username over 64 characters (401, not counted against anyone).
        let huge = format!(r#"{{"username":"{}","password":"x"}}"#, "a".repeat(20_000));
        let r =
            app.request(Method::POST, "/api/v1/login", None, Some(huge), &[("content-type", "application/json")]).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        let long = format!(r#"{{"username":"{}","password":"x"}}"#, "b".repeat(65));
        let r =
            app.request(Method::POST, "/api/v1/login", None, Some(long), &[("content-type", "application/json")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // A disabled account cannot log in, and its sessions end.
        let judge = app.login("judge").await;
        app.state.app.set_disabled(xiezhi_app::Actor::Cli, "judge", true).await.unwrap();
        assert_eq!(
            app.request(Method::GET, "/api/v1/session", Some(&judge.cookie), None, &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_is_required_for_every_change() {
    each_backend(async |app| {
        let admin = app.login("admin").await;
        let csv = app.csv_for("粤0103", 900_001);
        let bad = [("x-csrf-token", "0".repeat(64))];
        for headers in [&[][..], &bad[..]] {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = app
                .request(Method::POST, "/api/v1/imports?file_name=a.csv", Some(&admin.cookie), Some(csv.clone()), &h)
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "imports");
            let r = app.request(Method::POST, "/api/v1/logout", Some(&admin.cookie), None, &h).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "logout");
        }
        // Forms: missing and wrong tokens.
        for token in ["", "csrf=abc&"] {
            let form = [("content-type", "application/x-www-form-urlencoded")];
            let r = app.request(Method::POST, "/logout", Some(&admin.cookie), Some(token.to_owned()), &form).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            let body = format!("{token}username=x1&role=admin&password=abcdefghijk");
            let r = app.request(Method::POST, "/users", Some(&admin.cookie), Some(body), &form).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            let r = app
                .request(Method::POST, "/users/judge/disable", Some(&admin.cookie), Some(token.to_owned()), &form)
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        assert!(app.store().user_by_name("x1").await.unwrap().is_none());
        assert!(!app.store().user_by_name("judge").await.unwrap().unwrap().disabled);
        // With the token they work.
        let form = [("content-type", "application/x-www-form-urlencoded")];
        let body = format!(
            "csrf={}&username=x1&role=judge&court=%E7%B2%A40103&judge=%E7%94%B2&password=abcdefghijk",
            admin.csrf
        );
        let r = app.request(Method::POST, "/users", Some(&admin.cookie), Some(body), &form).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(app.store().user_by_name("x1").await.unwrap().is_some());
        let r = app
            .request(
                Method::POST,
                "/users/x1/disable",
                Some(&admin.cookie),
                Some(format!("csrf={}", admin.csrf)),
                &form,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(app.store().user_by_name("x1").await.unwrap().unwrap().disabled);
        // The digest address: without the token refused; a bad one named; a good one kept.
        let post_email =
            |body: String| app.request(Method::POST, "/users/x1/email", Some(&admin.cookie), Some(body), &form);
        assert_eq!(post_email("email=x1%40court.example".to_owned()).await.status, StatusCode::FORBIDDEN);
        let r = post_email(format!("csrf={}&email=x1+at+court", admin.csrf)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("x1 at court"), "{}", r.body);
        assert_eq!(app.store().user_by_name("x1").await.unwrap().unwrap().email, None);
        let r = post_email(format!("csrf={}&email=x1%40court.example", admin.csrf)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(app.store().user_by_name("x1").await.unwrap().unwrap().email.as_deref(), Some("x1@court.example"));
        let r = app
            .request(
                Method::POST,
                "/api/v1/logout",
                Some(&admin.cookie),
                None,
                &[("x-csrf-token", admin.csrf.as_str())],
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.request(Method::GET, "/api/v1/session", Some(&admin.cookie), None, &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
        let actions = app.audit_actions().await;
        assert!(
            actions.iter().any(|a| a == "user_add")
                && actions.iter().any(|a| a == "user_disable")
                && actions.iter().any(|a| a == "logout")
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_a_chinese_answer_with_their_status() {
    each_backend(async |app| {
        let m = app.login("manager-basic").await;
        let chinese = |body: &str| body.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        // A form posted as JSON: 415, our page, not the framework's English.
        let r = app
            .request(
                Method::POST,
                "/logout",
                Some(&m.cookie),
                Some("{}".into()),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(r.body.contains("请求格式错误") && !r.body.contains("Form requests"), "{}", r.body);
        // An upload that is not multipart: 400, Chinese.
        let r = app
            .request(Method::POST, "/import", Some(&m.cookie), Some("x".into()), &[("content-type", "text/csv")])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(chinese(&r.body) && !r.body.contains("boundary"), "{}", r.body);
        // A 案号 that is not UTF-8 in the URL: 400 JSON from the API, a page otherwise.
        let r = app.request(Method::GET, "/api/v1/cases/%FF", Some(&m.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(json["error"], "bad_request");
        assert!(chinese(json["message"].as_str().unwrap()));
        let r = app.request(Method::GET, "/cases/%FF", Some(&m.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("请求格式错误"), "{}", r.body);
        // An API upload over the limit: 413 with the limit, as JSON.
        let big = "x".repeat(support::UPLOAD_LIMIT + 200 * 1024);
        let r = app
            .request(
                Method::POST,
                "/api/v1/imports?file_name=big.csv",
                Some(&m.cookie),
                Some(big),
                &[("x-csrf-token", m.csrf.as_str())],
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(json["error"], "too_large");
        assert!(json["message"].as_str().unwrap().contains("上限"), "{json}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoping_matrix() {
    each_backend(async |app| {
        let outside_case = app.case_of_court(OUTSIDE_COURT, None).await;
        let other_judge_case = app.case_of_court("粤0103", Some(false)).await;
        let own_case = app.case_of_court("粤0103", Some(true)).await;
        let enc = support::enc;
        let from_to = "from=2026-01-01&to=2026-10-31";
        for user in ["admin", "manager-city", "manager-basic", "judge", "clerk"] {
            let s = app.login(user).await;
            let admin = user == "admin";
            let expect = |ok: StatusCode, refused: StatusCode| if admin { ok } else { refused };
            // Every page and API route that names a court or a case outside the scope is refused.
            let routes: Vec<(String, StatusCode)> = vec![
                (
                    format!("/?kind=court&code={}&{from_to}", enc(OUTSIDE_COURT)),
                    expect(StatusCode::OK, StatusCode::FORBIDDEN),
                ),
                (
                    format!("/?group={}", enc(&format!("court|{OUTSIDE_COURT}|"))),
                    expect(StatusCode::OK, StatusCode::FORBIDDEN),
                ),
                (
                    format!("/metrics?kind=court&code={}&{from_to}", enc(OUTSIDE_COURT)),
                    expect(StatusCode::OK, StatusCode::FORBIDDEN),
                ),
                (format!("/metrics?kind=city&code={}", enc("粤03")), expect(StatusCode::OK, StatusCode::FORBIDDEN)),
                (
                    format!("/metrics/explain?id=closed&kind=court&code={}&{from_to}", enc(OUTSIDE_COURT)),
                    expect(StatusCode::OK, StatusCode::FORBIDDEN),
                ),
                (format!("/cases?court={}", enc(OUTSIDE_COURT)), expect(StatusCode::OK, StatusCode::FORBIDDEN)),
                (format!("/cases/{}", enc(&outside_case)), expect(StatusCode::OK, StatusCode::NOT_FOUND)),
                (format!("/api/v1/cases?court={}", enc(OUTSIDE_COURT)), expect(StatusCode::OK, StatusCode::FORBIDDEN)),
                (format!("/api/v1/cases/{}", enc(&outside_case)), expect(StatusCode::OK, StatusCode::NOT_FOUND)),
                (
                    format!("/reports/bulletin?scope={}&format=html&{from_to}", enc(OUTSIDE_COURT)),
                    expect(StatusCode::OK, StatusCode::FORBIDDEN),
                ),
                ("/users".to_owned(), expect(StatusCode::OK, StatusCode::FORBIDDEN)),
                (format!("/api/v1/cases/{}", enc("（2026）粤0103民初999999号")), StatusCode::NOT_FOUND),
                (format!("/cases/{}", enc("不是案号")), StatusCode::NOT_FOUND),
                ("/no/such/page".to_owned(), StatusCode::NOT_FOUND),
            ];
            for (uri, want) in &routes {
                let r = app.request(Method::GET, uri, Some(&s.cookie), None, &[]).await;
                assert_eq!(r.status, *want, "{user} GET {uri}: {}", &r.body[..r.body.len().min(300)]);
                assert!(!r.body.contains(OUTSIDE_COURT) || r.status == StatusCode::OK, "{user} {uri} leaks");
            }
            // Judges and clerks see their own cases only; managers every case of their court.
            let judge_like = user == "judge" || user == "clerk";
            let want_other = if judge_like { StatusCode::NOT_FOUND } else { StatusCode::OK };
            let r = app
                .request(Method::GET, &format!("/api/v1/cases/{}", enc(&other_judge_case)), Some(&s.cookie), None, &[])
                .await;
            assert_eq!(r.status, want_other, "{user} other judge's case");
            let r = app.request(Method::GET, &format!("/cases/{}", enc(&own_case)), Some(&s.cookie), None, &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{user} own case");
            // Reports, imports: managers and admins only.
            let managerial = !judge_like;
            for uri in ["/import", "/reports"] {
                let r = app.request(Method::GET, uri, Some(&s.cookie), None, &[]).await;
                assert_eq!(r.status == StatusCode::OK, managerial, "{user} {uri}");
            }
            // An import naming a court outside the scope is refused (judges: 403; managers: the rows).
            let csv = app.csv_for(OUTSIDE_COURT, 900_100);
            let r = app
                .request(
                    Method::POST,
                    "/api/v1/imports?file_name=x.csv&dry_run=1",
                    Some(&s.cookie),
                    Some(csv),
                    &[("x-csrf-token", s.csrf.as_str())],
                )
                .await;
            let want = if judge_like {
                StatusCode::FORBIDDEN
            } else if admin {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            assert_eq!(r.status, want, "{user} import outside: {}", r.body);
            // Metrics: groups outside the scope are absent.
            let metrics = app.get_json(&format!("/api/v1/metrics?{from_to}"), &s).await;
            let groups = metrics["groups"].as_array().unwrap();
            let has = |kind: &str, code: &str| groups.iter().any(|g| g["kind"] == kind && g["code"] == code);
            assert_eq!(has("court", OUTSIDE_COURT), admin, "{user}");
            assert_eq!(has("city", "粤03"), admin, "{user}");
            assert!(has("court", "粤0103"), "{user}");
            assert_eq!(has("city", "粤01"), !judge_like, "{user}");
            assert_eq!(has("province", "粤"), !judge_like, "{user}");
            for g in groups {
                if g["kind"] == "judge" && judge_like {
                    assert_eq!(g["code"], app.judge.as_str(), "{user} sees another judge");
                }
                if g["kind"] == "court" && user == "manager-basic" {
                    assert_eq!(g["code"], "粤0103");
                }
            }
            // The case list holds only visible cases.
            let list = app.get_json("/api/v1/cases?per_page=500", &s).await;
            for c in list["cases"].as_array().unwrap() {
                let court = c["court"].as_str().unwrap_or("");
                match user {
                    "admin" => {}
                    "manager-city" => assert!(court.starts_with("粤01"), "{court}"),
                    _ => assert_eq!(court, "粤0103"),
                }
                if judge_like {
                    assert_eq!(c["judge"], app.judge.as_str());
                }
            }
            assert!(list["total"].as_u64().unwrap() > 0, "{user} sees no case");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_audit_and_reference_no_external_host() {
    each_backend(async |app| {
        let own_case = app.case_of_court("粤0103", Some(true)).await;
        let from_to = "from=2026-01-01&to=2026-10-31";
        for user in ["admin", "manager-city", "manager-basic", "judge", "clerk"] {
            let s = app.login(user).await;
            let mut pages = vec![
                "/".to_owned(),
                format!("/?{from_to}"),
                "/metrics".to_owned(),
                format!(
                    "/metrics/explain?id=clearance_rate&kind=court&code={}&{from_to}&side=denominator",
                    support::enc("粤0103")
                ),
                "/cases".to_owned(),
                "/cases?pending=1&over_limit=1".to_owned(),
                format!("/cases/{}", support::enc(&own_case)),
                "/assets/app.css".to_owned(),
                "/assets/app.js".to_owned(),
                "/api/openapi.json".to_owned(),
            ];
            if user != "judge" && user != "clerk" {
                pages.extend(["/import".to_owned(), "/reports".to_owned()]);
            }
            if user == "admin" {
                pages.push("/users".to_owned());
            }
            for uri in &pages {
                let r = app.request(Method::GET, uri, Some(&s.cookie), None, &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{user} {uri}: {}", &r.body[..r.body.len().min(500)]);
                assert!(
                    !r.body.contains("http://") && !r.body.contains("https://"),
                    "{user} {uri} names an external host"
                );
            }
        }
        for uri in ["/login", "/no/such/page"] {
            let r = app.request(Method::GET, uri, None, None, &[]).await;
            assert!(!r.body.contains("http://") && !r.body.contains("https://"), "{uri}");
        }
        // Ranks among the cities only where asked (the SPC forbids league tables).
        let mc = app.login("manager-city").await;
        let city = format!("/metrics?kind=city&code={}&{from_to}", support::enc("粤01"));
        let r = app.request(Method::GET, &city, Some(&mc.cookie), None, &[]).await;
        assert!(!r.body.contains("<th class=\"r\">全省排名</th>") && r.body.contains("显示全省排名"), "{}", r.body);
        let r = app.request(Method::GET, &format!("{city}&ranks=1"), Some(&mc.cookie), None, &[]).await;
        assert!(r.body.contains("<th class=\"r\">全省排名</th>") && r.body.contains("第"), "{}", r.body);
        // Case data is never cached by the browser; the embedded assets are.
        let s = app.login("judge").await;
        for uri in ["/".to_owned(), "/cases".to_owned(), format!("/api/v1/cases/{}", support::enc(&own_case))] {
            let r = app.request(Method::GET, &uri, Some(&s.cookie), None, &[]).await;
            assert_eq!(r.header("cache-control").as_deref(), Some("no-store"), "{uri}");
            assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"), "{uri}");
            assert!(r.header("content-security-policy").is_some_and(|c| c.contains("frame-ancestors 'none'")));
        }
        let r = app.request(Method::GET, "/assets/app.css", Some(&s.cookie), None, &[]).await;
        assert_eq!(r.header("cache-control").as_deref(), Some("max-age=3600"));
        // A period over ten years is refused (it would occupy the shared computation).
        let r = app.request(Method::GET, "/?from=1900-01-01&to=2026-10-31", Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("统计期间最长10年"), "{}", r.body);
        // Asking for a case outside the scope or missing: the same 404, each audited.
        let outside = app.case_of_court(OUTSIDE_COURT, None).await;
        for number in [outside.as_str(), "（2026）粤0103民初999999号"] {
            let r = app
                .request(Method::GET, &format!("/api/v1/cases/{}", support::enc(number)), Some(&s.cookie), None, &[])
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
        }
        // Every case view is audited, with the 案号 and who; so is every drill-down list.
        let entries = app.store().audit_entries(500).await.unwrap();
        assert!(entries.iter().any(|e| e.action == "case_view"
            && e.object.as_deref() == Some(own_case.as_str())
            && e.username.as_deref() == Some("judge")));
        let refused: Vec<_> = entries.iter().filter(|e| e.action == "case_view_refused").collect();
        assert!(refused.iter().any(|e| e.object.as_deref() == Some(outside.as_str())), "{refused:?}");
        assert!(refused.iter().any(|e| e.object.as_deref() == Some("（2026）粤0103民初999999号")));
        assert!(entries.iter().any(|e| e.action == "case_list"
            && e.object.as_deref() == Some("clearance_rate 粤0103")
            && e.username.as_deref() == Some("manager-city")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_through_the_api_follow_the_cli_rules() {
    each_backend(async |app| {
        let m = app.login("manager-basic").await;
        let h = [("x-csrf-token", m.csrf.as_str())];
        let number = "（2026）粤0103民初900201号";
        // A bad row: nothing is imported, every problem is listed.
        let bad = format!("case_number,filed_on,closed_on,disposition\n{number},2026-02-01,,\n（2026）粤0103民初900202号,2026-02-30,,\n");
        let r = app.request(Method::POST, "/api/v1/imports?file_name=bad.csv", Some(&m.cookie), Some(bad), &h).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("\"row\":3"), "{}", r.body);
        assert_eq!(app.request(Method::GET, &format!("/api/v1/cases/{}", support::enc(number)), Some(&m.cookie), None, &[]).await.status, StatusCode::NOT_FOUND);
        // Not a spreadsheet; empty; too large.
        let r = app.request(Method::POST, "/api/v1/imports?file_name=x.csv", Some(&m.cookie), Some("\u{0}\u{1}\u{2}binary".into()), &h).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let r = app.request(Method::POST, "/api/v1/imports", Some(&m.cookie), Some(String::new()), &h).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let big = "x".repeat(support::UPLOAD_LIMIT + 70 * 1024);
        let r = app.request(Method::POST, "/api/v1/imports", Some(&m.cookie), Some(big), &h).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        // A good file: imported, visible at once, audited.
        let good = format!("case_number,filed_on,judge\n{number},2026-02-01,{}\n", app.judge);
        let r = app.request(Method::POST, "/api/v1/imports?file_name=good.csv", Some(&m.cookie), Some(good), &h).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("\"inserted\":1"), "{}", r.body);
        assert_eq!(app.request(Method::GET, &format!("/api/v1/cases/{}", support::enc(number)), Some(&m.cookie), None, &[]).await.status, StatusCode::OK);
        let entries = app.store().audit_entries(100).await.unwrap();
        assert!(entries.iter().any(|e| e.action == "import" && e.object.as_deref() == Some("good.csv")));
        // An import by another process (the CLI) is noticed: the store's data version moved.
        let other = "（2026）粤0103民初900203号";
        let mut tx = app.store().begin_import(1).await.unwrap();
        let facts = xiezhi_domain::CaseFacts::new(
            xiezhi_domain::CaseNumber::parse(other).unwrap(),
            xiezhi_domain::Date::from_ymd(2026, 2, 2).unwrap(),
        );
        tx.upsert(&[facts]).await.unwrap();
        let record = xiezhi_store::AuditRecord::new("2026-10-31 09:00:00", None, "import");
        tx.commit("cli.csv", "2026-10-31 09:00:00", 1, 0, Box::new(move |_| record)).await.unwrap();
        let r = app.request(Method::GET, &format!("/api/v1/cases/{}", support::enc(other)), Some(&m.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    })
    .await;
}

/// The group `kind`/`code` of a metrics contract JSON.
fn group_of<'a>(metrics: &'a serde_json::Value, kind: &str, code: &str) -> &'a serde_json::Value {
    metrics["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == kind && g["code"] == code)
        .unwrap_or_else(|| panic!("no {kind} group {code} in the metrics JSON"))
}

/// A count of the contract JSON as officials write it.
fn count_text(group: &serde_json::Value, id: &str) -> String {
    format!(
        "{}",
        group["values"][id].as_u64().unwrap_or_else(|| panic!("{id} is not a count: {}", group["values"][id]))
    )
}

/// A ratio of the contract JSON as officials write it (two decimals, without the %).
fn ratio_text(group: &serde_json::Value, id: &str) -> String {
    let v = group["values"][id].as_f64().unwrap_or_else(|| panic!("{id} is not a ratio: {}", group["values"][id]));
    format!("{:.2}", v * 100.0)
}

/// Whether bytes are a ZIP holding every named part.
fn zip_with_parts(bytes: &[u8], parts: &[&str]) -> Result<(), String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(format!("not a ZIP: {:?}", &bytes[..bytes.len().min(8)]));
    }
    for part in parts {
        if !bytes.windows(part.len()).any(|w| w == part.as_bytes()) {
            return Err(format!("no part {part}"));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulletins_download_in_every_format_within_the_scope() {
    each_backend(async |app| {
        let (from, to) = ("2026-01-01", "2026-10-31");
        let bulletin = |scope: &str, format: &str| {
            format!("/reports/bulletin?scope={}&from={from}&to={to}&format={format}", support::enc(scope))
        };
        let m = app.login("manager-city").await;
        let metrics = app.get_json(&format!("/api/v1/metrics?from={from}&to={to}"), &m).await;
        // 全市 and 中院本院 are two scopes on the reports page.
        let page = app.request(Method::GET, "/reports", Some(&m.cookie), None, &[]).await;
        let at = page.body.find("<select name=\"scope\">").unwrap();
        let picker = &page.body[at..at + page.body[at..].find("</select>").unwrap()];
        assert!(
            picker.contains("<option value=\"粤01\">广州市全市法院")
                && picker.contains("<option value=\"court:粤01\">中院本院："),
            "{picker}"
        );
        let city = app.request(Method::GET, &bulletin("粤01", "html"), Some(&m.cookie), None, &[]).await;
        let own = app.request(Method::GET, &bulletin("court:粤01", "html"), Some(&m.cookie), None, &[]).await;
        assert_eq!(own.status, StatusCode::OK);
        let accepted_of =
            |kind: &str| format!("共受理案件{}件", count_text(group_of(&metrics, kind, "粤01"), "accepted"));
        assert!(city.body.contains(&accepted_of("city")) && own.body.contains(&accepted_of("court")));
        assert_ne!(accepted_of("city"), accepted_of("court"));
        for (kind, code) in [("city", "粤01"), ("court", "粤0103")] {
            let group = group_of(&metrics, kind, code);
            // HTML: the overview states the scope's figures exactly as the metrics JSON has them.
            let r = app.request(Method::GET, &bulletin(code, "html"), Some(&m.cookie), None, &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{code} html: {}", &r.body[..r.body.len().min(300)]);
            assert!(r.header("content-type").unwrap().starts_with("text/html"));
            assert!(r.header("content-disposition").unwrap().starts_with("attachment;"));
            // Named in Chinese: …审判执行质效通报-2026年1-10月.html.
            let disposition = r.header("content-disposition").unwrap();
            let named = support::enc("审判执行质效通报-2026年1-10月.html");
            assert!(disposition.contains(&named), "{disposition}");
            let accepted = format!("共受理案件{}件", count_text(group, "accepted"));
            assert!(r.body.contains(&accepted), "{code}: the bulletin lacks “{accepted}”");
            let closed = format!("审执结{}件", count_text(group, "closed"));
            assert!(r.body.contains(&closed), "{code}: the bulletin lacks “{closed}”");
            let clearance = format!("结收比{}%", ratio_text(group, "clearance_rate"));
            assert!(r.body.contains(&clearance), "{code}: the bulletin lacks “{clearance}”");
            assert!(!r.body.contains("http://") && !r.body.contains("https://"));
            // DOCX and XLSX: ZIP packages with their main parts.
            for (format, parts, mime) in [
                ("docx", ["[Content_Types].xml", "word/document.xml", "word/styles.xml"], "wordprocessingml"),
                ("xlsx", ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"], "spreadsheetml"),
            ] {
                let r = app.request(Method::GET, &bulletin(code, format), Some(&m.cookie), None, &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{code} {format}: {}", &r.body[..r.body.len().min(300)]);
                assert!(r.header("content-type").unwrap().contains(mime), "{code} {format}");
                assert!(r.header("content-disposition").unwrap().contains(&format!(".{format}")), "{code} {format}");
                zip_with_parts(&r.bytes, &parts).unwrap_or_else(|e| panic!("{code} {format}: {e}"));
            }
        }
        // The city's courts are listed one by one, so only a manager of the whole city (or an
        // admin) gets its bulletin; the province and other cities' courts are refused.
        for scope in ["粤", "粤03", OUTSIDE_COURT] {
            let r = app.request(Method::GET, &bulletin(scope, "html"), Some(&m.cookie), None, &[]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "manager-city {scope}");
            assert!(!r.body.contains(OUTSIDE_COURT) && !r.body.contains("受理"), "manager-city {scope} leaks");
        }
        let basic = app.login("manager-basic").await;
        for (scope, want) in
            [("粤0103", StatusCode::OK), ("粤01", StatusCode::FORBIDDEN), ("粤0104", StatusCode::FORBIDDEN)]
        {
            let r = app.request(Method::GET, &bulletin(scope, "html"), Some(&basic.cookie), None, &[]).await;
            assert_eq!(r.status, want, "manager-basic {scope}");
        }
        // The reports page offers only the scopes a bulletin may cover.
        let page = app.request(Method::GET, "/reports", Some(&basic.cookie), None, &[]).await;
        assert!(page.body.contains("value=\"粤0103\"") && !page.body.contains("value=\"粤01\""), "{}", page.body);
        let admin = app.login("admin").await;
        let r = app.request(Method::GET, &bulletin(OUTSIDE_COURT, "xlsx"), Some(&admin.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        // Judges and clerks get no bulletin, not even of their own court.
        for user in ["judge", "clerk"] {
            let s = app.login(user).await;
            let r = app.request(Method::GET, &bulletin("粤0103", "html"), Some(&s.cookie), None, &[]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        }
        // Bad requests get a Chinese message.
        let r = app.request(Method::GET, &bulletin("粤01", "pdf"), Some(&m.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("格式应为"), "{}", r.body);
        let r = app.request(Method::GET, &bulletin("不是法院", "html"), Some(&m.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let entries = app.store().audit_entries(200).await.unwrap();
        assert!(entries.iter().any(|e| e.action == "report_download"
            && e.username.as_deref() == Some("manager-city")
            && e.object.as_deref() == Some("粤01")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_uploaded_for_filling_comes_back_with_the_scopes_figures() {
    each_backend(async |app| {
        let (from, to) = ("2026-01-01", "2026-10-31");
        let draft = "今年1-X月，全市法院共受理案件XX件，结收比XX%。坚持“XX”工作思路。";
        let m = app.login("manager-city").await;
        let metrics = app.get_json(&format!("/api/v1/metrics?from={from}&to={to}"), &m).await;
        let fill = |s: &support::SessionInfo, scope: &str, csrf: bool| {
            let mut fields = vec![("scope", scope), ("from", from), ("to", to)];
            if csrf {
                fields.push(("csrf", s.csrf.as_str()));
            }
            support::multipart(&fields, ("draft", "讲话稿.txt", draft))
        };
        for scope in ["粤01", "粤0103"] {
            let kind = if scope == "粤01" { "city" } else { "court" };
            let group = group_of(&metrics, kind, scope);
            let (body, content_type) = fill(&m, scope, true);
            let r = app
                .request(Method::POST, "/reports/fill", Some(&m.cookie), Some(body), &[("content-type", &content_type)])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{scope}: {}", r.body);
            let token = support::between(&r.body, "href=\"&#x2f;reports&#x2f;fill&#x2f;", "\"")
                .or_else(|| support::between(&r.body, "href=\"/reports/fill/", "\""))
                .unwrap_or_else(|| panic!("no download link: {}", r.body))
                .to_owned();
            // Three slots filled, the non-data placeholder left and listed.
            assert!(r.body.contains("3 处已填，1 处保留"), "{}", r.body);
            let got = app.request(Method::GET, &format!("/reports/fill/{token}"), Some(&m.cookie), None, &[]).await;
            assert_eq!(got.status, StatusCode::OK);
            assert!(got.header("content-disposition").unwrap().contains(&support::enc("讲话稿-已填数.txt")));
            let month: u32 = to[5..7].parse().unwrap();
            let want = format!(
                "今年1-{month}月，全市法院共受理案件{}件，结收比{}%。坚持“XX”工作思路。",
                count_text(group, "accepted"),
                ratio_text(group, "clearance_rate")
            );
            assert_eq!(got.body, want, "{scope}");
            // Another user cannot fetch it.
            let other = app.login("admin").await;
            let r = app.request(Method::GET, &format!("/reports/fill/{token}"), Some(&other.cookie), None, &[]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
        }
        // No CSRF token; a scope outside; a judge: refused.
        let (body, content_type) = fill(&m, "粤01", false);
        let r = app
            .request(Method::POST, "/reports/fill", Some(&m.cookie), Some(body), &[("content-type", &content_type)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let (body, content_type) = fill(&m, OUTSIDE_COURT, true);
        let r = app
            .request(Method::POST, "/reports/fill", Some(&m.cookie), Some(body), &[("content-type", &content_type)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!r.body.contains("受理"));
        let j = app.login("judge").await;
        let (body, content_type) = fill(&j, "粤0103", true);
        let r = app
            .request(Method::POST, "/reports/fill", Some(&j.cookie), Some(body), &[("content-type", &content_type)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A draft of the wrong type gets a Chinese message.
        let (body, content_type) =
            support::multipart(&[("scope", "粤01"), ("csrf", &m.csrf)], ("draft", "讲话稿.pdf", "%PDF-1.4"));
        let r = app
            .request(Method::POST, "/reports/fill", Some(&m.cookie), Some(body), &[("content-type", &content_type)])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("讲话稿应为"), "{}", r.body);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_page_validates_then_imports_on_confirmation() {
    each_backend(async |app| {
        let m = app.login("manager-basic").await;
        let upload = |s: &support::SessionInfo, name: &str, content: &str| {
            support::multipart(&[("csrf", s.csrf.as_str())], ("file", name, content))
        };
        let case_status = async |number: &str| {
            app.request(Method::GET, &format!("/api/v1/cases/{}", support::enc(number)), Some(&m.cookie), None, &[])
                .await
                .status
        };
        let api_problems = async |name: &str, content: &str| -> Vec<String> {
            let r = app
                .request(
                    Method::POST,
                    &format!("/api/v1/imports?file_name={name}&dry_run=1"),
                    Some(&m.cookie),
                    Some(content.to_owned()),
                    &[("x-csrf-token", m.csrf.as_str())],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
            let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            json["problems"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap().to_owned()).collect()
        };
        let number = "（2026）粤0103民初900301号";
        // The history shows a manager their own imports only (the demo import was someone else's).
        let page = app.request(Method::GET, "/import", Some(&m.cookie), None, &[]).await;
        assert!(!page.body.contains("(demo)"), "another account's import is listed");
        assert!(page.body.contains(&format!("文件上限 {} KB", support::UPLOAD_LIMIT / 1024)), "{}", page.body);
        // A bad file: the report lists every problem as `row N, column C: …`; nothing is imported.
        let bad = format!(
            "case_number,filed_on,closed_on,disposition\n{number},2026-02-01,,\n（2026）粤0103民初900302号,2026-02-30,,\n"
        );
        let problems = api_problems("bad.csv", &bad).await;
        assert!(problems.iter().any(|p| p.starts_with("row 3, column ")), "{problems:?}");
        let (body, content_type) = upload(&m, "bad.csv", &bad);
        let r = app.request(Method::POST, "/import", Some(&m.cookie), Some(body), &[("content-type", &content_type)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("校验未通过，未导入任何数据"), "{}", r.body);
        for p in &problems {
            assert!(r.body.contains(&support::html_escape(p)), "the report lacks “{p}”: {}", r.body);
        }
        assert!(!r.body.contains("action=\"/import/confirm\""), "a rejected file can be confirmed");
        assert_eq!(case_status(number).await, StatusCode::NOT_FOUND);
        // The complete problem report downloads as CSV, for its uploader only.
        // (The page escapes the slashes of the link.)
        let at = r.body.find("&#x2f;import&#x2f;problems&#x2f;").expect("a link to the complete problem report");
        let link: String = r.body[at..].chars().take_while(|c| *c != '"').collect::<String>().replace("&#x2f;", "/");
        let csv = app.request(Method::GET, &link, Some(&m.cookie), None, &[]).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(csv.body.contains("2026-02-30") && csv.body.contains("日期不存在"), "{}", csv.body);
        let admin = app.login("admin").await;
        assert_eq!(app.request(Method::GET, &link, Some(&admin.cookie), None, &[]).await.status, StatusCode::NOT_FOUND);

        // A court outside the manager's scope: refused at validation, nothing to confirm.
        let outside = app.csv_for(OUTSIDE_COURT, 900_303);
        let problems = api_problems("outside.csv", &outside).await;
        let (body, content_type) = upload(&m, "outside.csv", &outside);
        let r = app.request(Method::POST, "/import", Some(&m.cookie), Some(body), &[("content-type", &content_type)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        for p in &problems {
            assert!(r.body.contains(&support::html_escape(p)), "the report lacks “{p}”");
        }
        assert!(!r.body.contains("action=\"/import/confirm\""));

        // A good file: validated, not yet imported; confirmation imports it.
        let good = format!("case_number,filed_on,judge\n{number},2026-02-01,{}\n", app.judge);
        let (body, content_type) = upload(&m, "good.csv", &good);
        let r = app.request(Method::POST, "/import", Some(&m.cookie), Some(body), &[("content-type", &content_type)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("校验通过，尚未导入"), "{}", r.body);
        let token = support::between(&r.body, "name=\"token\" value=\"", "\"").expect("a confirmation form").to_owned();
        assert_eq!(case_status(number).await, StatusCode::NOT_FOUND, "validation imported the file");
        // Confirmation without the CSRF token, or by another manager: refused, still nothing imported.
        let form = |csrf: Option<&str>| match csrf {
            Some(c) => format!("csrf={c}&token={token}"),
            None => format!("token={token}"),
        };
        let urlencoded = [("content-type", "application/x-www-form-urlencoded")];
        let r = app.request(Method::POST, "/import/confirm", Some(&m.cookie), Some(form(None)), &urlencoded).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r =
            app.request(Method::POST, "/import/confirm", Some(&m.cookie), Some(form(Some("0".repeat(64).as_str()))), &urlencoded).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(case_status(number).await, StatusCode::NOT_FOUND);
        let r = app.request(Method::POST, "/import/confirm", Some(&m.cookie), Some(form(Some(&m.csrf))), &urlencoded).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("导入完成"), "{}", r.body);
        assert_eq!(case_status(number).await, StatusCode::OK);
        let page = app.request(Method::GET, &format!("/cases/{}", support::enc(number)), Some(&m.cookie), None, &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        let list = app.get_json(&format!("/api/v1/cases?q={}", support::enc(number)), &m).await;
        assert_eq!(list["total"], 1, "{list}");
        // The judge sees the new case of theirs at once.
        let j = app.login("judge").await;
        assert_eq!(
            app.request(Method::GET, &format!("/cases/{}", support::enc(number)), Some(&j.cookie), None, &[]).await.status,
            StatusCode::OK
        );
        // A confirmation is used once.
        let r = app.request(Method::POST, "/import/confirm", Some(&m.cookie), Some(form(Some(&m.csrf))), &urlencoded).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let entries = app.store().audit_entries(200).await.unwrap();
        assert!(entries.iter().any(|e| e.action == "import" && e.object.as_deref() == Some("good.csv")));
        let page = app.request(Method::GET, "/import", Some(&m.cookie), None, &[]).await;
        assert!(page.body.contains("good.csv") && !page.body.contains("(demo)"), "{}", page.body);
        let admin = app.login("admin").await;
        let page = app.request(Method::GET, "/import", Some(&admin.cookie), None, &[]).await;
        assert!(page.body.contains("good.csv") && page.body.contains("(demo)"), "{}", page.body);
        // Judges and clerks cannot upload; an upload without the CSRF token is refused.
        for user in ["judge", "clerk"] {
            let s = app.login(user).await;
            let (body, content_type) = upload(&s, "good.csv", &good);
            let r =
                app.request(Method::POST, "/import", Some(&s.cookie), Some(body), &[("content-type", &content_type)]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        }
        let (body, content_type) = support::multipart(&[], ("file", "good.csv", &good));
        let r = app.request(Method::POST, "/import", Some(&m.cookie), Some(body), &[("content-type", &content_type)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    })
    .await;
}

mod browser;

/// The text the pages show for a contract JSON value of a unit (the metrics table's formats).
fn shown(value: &serde_json::Value, id: &str) -> String {
    let Some(v) = value.as_f64() else { return "—".to_owned() };
    // Thousands separators on the whole part, written out independently of the page's code.
    let group = |text: String| -> String {
        let (whole, fraction) = text.split_once('.').map_or((text.as_str(), ""), |(w, f)| (w, f));
        let digits: Vec<char> = whole.chars().collect();
        let mut out = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(*c);
        }
        if fraction.is_empty() { out } else { format!("{out}.{fraction}") }
    };
    let ratio = id.ends_with("_rate") || id == "over_12m_ratio";
    if ratio {
        format!("{:.2}%", v * 100.0)
    } else if id == "recovered_amount" {
        if v >= 1e8 {
            format!("{}亿", group(format!("{:.2}", v / 1e8)))
        } else if v >= 1e4 {
            format!("{}万", group(format!("{:.2}", v / 1e4)))
        } else {
            group(format!("{v:.2}"))
        }
    } else if ["avg_days", "avg_net_days", "closed_per_judge", "case_chain_ratio"].contains(&id) {
        format!("{v:.2}")
    } else {
        group(format!("{v:.0}"))
    }
}

/// Headless Chromium: login → dashboard → drill-down to a case; the dashboard's figures equal
/// the metrics JSON of the same period; the page requested nothing outside the server.
/// `XIEZHI_SCREENSHOTS=DIR` also saves a 1366-wide screenshot of every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_dashboard_drill_down() {
    let Some(binary) = browser::chromium() else {
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"), "chromium is missing under CI");
        eprintln!("NOTICE: chromium not installed; skipping the browser test");
        return;
    };
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(axum::serve(listener, xiezhi_web::router(app.state.clone())).into_future());
    let shots = std::env::var("XIEZHI_SCREENSHOTS").ok().map(std::path::PathBuf::from);
    let base = origin.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut b = browser::Browser::launch(&binary);
        let shot = |b: &mut browser::Browser, name: &str| {
            if let Some(dir) = &shots {
                std::fs::create_dir_all(dir).unwrap();
                b.screenshot(&dir.join(format!("{name}.png")));
            }
        };
        b.navigate(&format!("{base}/login"));
        b.wait_for("/login", "input[name=username]");
        shot(&mut b, "01-login");
        b.eval(&format!(
            "document.querySelector('[name=username]').value='manager-city'; document.querySelector('[name=password]').value={}; document.querySelector('form').submit(); true",
            serde_json::to_string(support::PASSWORD).unwrap()
        ));
        b.wait_for("/", "#headline .card");
        shot(&mut b, "02-dashboard");
        let cards = b.eval("[...document.querySelectorAll('#headline .card')].map(c => ({id: c.dataset.id, raw: c.dataset.raw, text: c.querySelector('[data-value]').textContent.trim()}))");
        let period = b.eval("[document.querySelector('input[name=from]').value, document.querySelector('input[name=to]').value]");
        let metrics = b.eval(&format!(
            "fetch('/api/v1/metrics?from={}&to={}').then(r => r.json())",
            period[0].as_str().unwrap(),
            period[1].as_str().unwrap()
        ));
        // Drill down: 结案 → the cases → the first case.
        b.eval("document.querySelector('#headline .card[data-id=closed]').click(); true");
        b.wait_for("/metrics/explain", "#cases");
        shot(&mut b, "03-explain");
        let explain_value = b.eval("document.querySelector('[data-value]').textContent.trim()");
        let count = b.eval("document.querySelector('.tabs a.on').textContent");
        let number = b.eval("document.querySelector('#cases tbody a').textContent.trim()");
        b.eval("document.querySelector('#cases tbody a').click(); true");
        b.wait_for(&format!("/cases/{}", support::enc(number.as_str().unwrap())), "table.kv");
        let heading = b.eval("document.querySelector('h1').textContent");
        shot(&mut b, "04-case");
        // Phone, tablet and desktop: no page is wider than the screen (wide tables scroll inside
        // their panels), and the navigation is one line, not one character per line.
        let mut overflow = Vec::new();
        for width in [390, 768, 1366] {
            b.call(
                "Emulation.setDeviceMetricsOverride",
                serde_json::json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 800}),
            );
            for path in ["/", "/metrics", "/cases", "/deadlines", "/reports", "/notifications", "/laws"] {
                b.navigate(&format!("{base}{path}"));
                b.wait_for(path, "main");
                let wide = b.eval("document.documentElement.scrollWidth").as_u64().unwrap_or(0);
                // A link squeezed to one character per line is narrower than two characters.
                let nav = b
                    .eval("Math.min(...[...document.querySelectorAll('.top nav a')].map(a => a.getBoundingClientRect().width))")
                    .as_f64()
                    .unwrap_or(0.0);
                if wide > width + 1 || nav < 24.0 {
                    overflow.push(format!("{path} at {width}px: page {wide}px wide, narrowest nav link {nav}px"));
                }
                shot(&mut b, &format!("w{width}{}", path.replace('/', "-")));
            }
        }
        b.call("Emulation.clearDeviceMetricsOverride", serde_json::json!({}));
        if shots.is_some() {
            for (name, path) in [("05-metrics", "/metrics"), ("06-cases", "/cases?pending=1"), ("07-import", "/import"), ("08-reports", "/reports")] {
                b.navigate(&format!("{base}{path}"));
                b.wait_for(path.split('?').next().unwrap(), "main");
                shot(&mut b, name);
            }
            b.navigate(&format!("{base}/metrics?kind=court&code={}", support::enc("粤0103")));
            b.wait_for("/metrics", "#catalogue");
            shot(&mut b, "09-metrics-court");
            b.navigate(&format!("{base}/cases/{}", support::enc("（2026）粤0103民初999999号")));
            b.wait_for("/cases/%EF%BC%882026%EF%BC%89%E7%B2%A40103%E6%B0%91%E5%88%9D999999%E5%8F%B7", "main");
            shot(&mut b, "10-not-found");
            // The other roles' views: every page each may open, and a refused one.
            for (user, role_pages) in [
                ("admin", vec!["/import", "/reports", "/users"]),
                ("manager-basic", vec!["/reports"]),
                ("judge", vec!["/reports"]),
                ("clerk", vec!["/import"]),
            ] {
                b.call("Network.clearBrowserCookies", serde_json::json!({}));
                b.navigate(&format!("{base}/login"));
                b.wait_for("/login", "input[name=username]");
                b.eval(&format!(
                    "document.querySelector('[name=username]').value={}; document.querySelector('[name=password]').value={}; document.querySelector('form').submit(); true",
                    serde_json::to_string(user).unwrap(),
                    serde_json::to_string(support::PASSWORD).unwrap()
                ));
                b.wait_for("/", "#headline .card");
                shot(&mut b, &format!("{user}-01-dashboard"));
                let mut paths = vec!["/metrics".to_owned(), "/cases".to_owned(), "/cases?pending=1&over_limit=1".to_owned()];
                paths.extend(role_pages.iter().map(|p| (*p).to_owned()));
                for (i, path) in paths.iter().enumerate() {
                    b.navigate(&format!("{base}{path}"));
                    b.wait_for(path.split('?').next().unwrap(), "main");
                    shot(&mut b, &format!("{user}-{:02}-{}", i + 2, path.trim_start_matches('/').replace(['/', '?', '&', '='], "_")));
                }
                // The first case of the list, and the drill-down of the first headline card.
                b.navigate(&format!("{base}/cases"));
                b.wait_for("/cases", "main");
                b.eval("document.querySelector('#cases tbody a, table tbody a').click(); true");
                b.wait_for_selector("table.kv");
                shot(&mut b, &format!("{user}-08-case"));
                b.navigate(&format!("{base}/"));
                b.wait_for("/", "#headline .card");
                b.eval("document.querySelector('#headline .card[data-id=clearance_rate]').click(); true");
                b.wait_for("/metrics/explain", "main");
                shot(&mut b, &format!("{user}-09-explain"));
            }
        }
        (cards, metrics, explain_value, count, number, heading, b.requests.clone(), overflow)
    })
    .await
    .unwrap();
    server.abort();
    let (cards, metrics, explain_value, count, number, heading, requests, overflow) = outcome;
    assert!(overflow.is_empty(), "pages wider than the screen: {overflow:#?}");
    let city = metrics["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "city" && g["code"] == "粤01")
        .expect("the city group");
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), 12);
    for card in cards {
        let id = card["id"].as_str().unwrap();
        let json_value = &city["values"][id];
        let raw: serde_json::Value = serde_json::from_str(card["raw"].as_str().unwrap()).unwrap();
        // The same number (66 and 66.0 are one value: JSON does not type them apart).
        match (raw.as_f64(), json_value.as_f64()) {
            (Some(a), Some(b)) => assert_eq!(a, b, "{id}: the page's value differs from the metrics JSON"),
            _ => assert_eq!(&raw, json_value, "{id}: the page's value differs from the metrics JSON"),
        }
        assert_eq!(card["text"].as_str().unwrap(), shown(json_value, id), "{id}: shown text");
    }
    let closed = shown(&city["values"]["closed"], "closed");
    assert_eq!(explain_value.as_str().unwrap(), closed);
    assert!(count.as_str().unwrap().contains(&format!("{closed} 件")), "{count}");
    assert!(heading.as_str().unwrap().contains(number.as_str().unwrap()));
    assert!(!requests.is_empty());
    for url in &requests {
        assert!(
            url.starts_with(&origin) || url.starts_with("data:") || url.starts_with("about:"),
            "the page requested {url}"
        );
    }
}

#[tokio::test]
async fn case_list_pages_agree_between_the_merge_and_the_scan() {
    each_backend(async |app| {
        for account in ["manager-city", "admin", "judge"] {
            let u = app.login(account).await;
            let numbers = |json: &serde_json::Value| -> Vec<String> {
                json["cases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["case_number"].as_str().unwrap().to_owned())
                    .collect()
            };
            // No filter but the scope: the per-court lists are merged. A filter that matches
            // every case goes through the scan. Both must give the same total and pages.
            let all = app.get_json("/api/v1/cases?per_page=500", &u).await;
            let scanned = app.get_json("/api/v1/cases?per_page=500&filed_from=1900-01-01", &u).await;
            assert_eq!(all["total"], scanned["total"], "{account}");
            assert_eq!(numbers(&all), numbers(&scanned), "{account}");
            let total = all["total"].as_u64().unwrap() as usize;
            assert!(total > 0, "{account}");
            let page2 = app.get_json("/api/v1/cases?page=2&per_page=7", &u).await;
            let expected: Vec<String> = numbers(&all).into_iter().skip(7).take(7).collect();
            assert_eq!(numbers(&page2), expected, "{account}");
            let past = app.get_json(&format!("/api/v1/cases?page={}&per_page=50", total / 50 + 2), &u).await;
            assert!(numbers(&past).is_empty() && past["total"].as_u64() == Some(total as u64), "{account}");
            // 未结 reads the open cases' lists, 已结 scans every row: together they are the whole
            // list, and the pending page is the whole list's open cases, in its order.
            let pending = app.get_json("/api/v1/cases?per_page=500&pending=1", &u).await;
            let closed = app.get_json("/api/v1/cases?per_page=500&pending=0", &u).await;
            assert_eq!(
                pending["total"].as_u64().unwrap() + closed["total"].as_u64().unwrap(),
                total as u64,
                "{account}"
            );
            let open_in_all: Vec<String> = all["cases"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["closed_on"].is_null())
                .map(|c| c["case_number"].as_str().unwrap().to_owned())
                .collect();
            let shown = open_in_all.len().min(numbers(&pending).len());
            assert!(shown > 0, "{account}");
            assert_eq!(numbers(&pending)[..shown], open_in_all[..shown], "{account}");
            let closed_in_all: Vec<String> = all["cases"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| !c["closed_on"].is_null())
                .map(|c| c["case_number"].as_str().unwrap().to_owned())
                .collect();
            let shown = closed_in_all.len().min(numbers(&closed).len());
            assert!(shown > 0, "{account}");
            assert_eq!(numbers(&closed)[..shown], closed_in_all[..shown], "{account}");
            // Page 2 of 未结 through the lists equals the same page through the scan (a
            // filter that keeps every case forces the scan).
            let listed = app.get_json("/api/v1/cases?pending=1&page=2&per_page=7", &u).await;
            let scanned = app.get_json("/api/v1/cases?pending=1&page=2&per_page=7&filed_from=1900-01-01", &u).await;
            assert_eq!(numbers(&listed), numbers(&scanned), "{account}");
            assert_eq!(listed["total"], scanned["total"], "{account}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_list_links_to_exactly_the_cases_it_counts() {
    each_backend(async |app| {
        let mut checked = 0;
        for (user, query) in
            [("admin", "/?from=2025-01-01&to=2026-06-30"), ("manager-city", "/?from=2025-07-01&to=2026-03-31")]
        {
            let s = app.login(user).await;
            let page = app.request(Method::GET, query, Some(&s.cookie), None, &[]).await;
            assert_eq!(page.status, StatusCode::OK);
            // Each panel: "<span class="count">N 件</span>" and, when N > 10, its 查看全部 link.
            for panel in page.body.split("<section class=\"panel action").skip(1) {
                let total: usize =
                    support::between(panel, "<span class=\"count\">", " 件</span>").unwrap().parse().unwrap();
                let Some(link) = support::between(panel, "<p class=\"more\"><a href=\"", "\"") else {
                    assert!(total <= 10, "a panel of {total} cases has no link");
                    continue;
                };
                let link = link.replace("&amp;", "&").replace("&#x2f;", "/");
                assert!(link.contains("as_of=") && (link.contains("scope=") || link.contains("judge=")), "{link}");
                let api = link.replacen("/cases?", "/api/v1/cases?", 1);
                let listed = app.get_json(&api, &s).await;
                assert_eq!(listed["total"].as_u64().unwrap() as usize, total, "{user}: {link}");
                checked += 1;
            }
        }
        assert!(checked >= 1, "the test saw no linked panel");
    })
    .await;
}

/// The contract's request at 粤0103, filed today (2026-10-31).
fn registration_body() -> serde_json::Value {
    serde_json::json!({
        "court": "粤0103", "type_code": "民初", "filed_on": "2026-10-31", "cause": "民间借贷纠纷",
        "claim_amount": "35000.00", "procedure": null,
        "parties": [{"role": "原告", "name": "合成原告甲", "kind": "person"},
                    {"role": "被告", "name": "合成被告有限公司", "kind": "organization"}],
        "origin_case_number": null, "flags": [], "assignment": {"mode": "random"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_through_the_api_and_the_pages() {
    each_backend(async |app| {
        let reg = app.login("registrar").await;
        let filed_today = "/api/v1/cases?court=%E7%B2%A40103&filed_from=2026-10-31&filed_to=2026-10-31";
        let before = app.get_json(filed_today, &reg).await["total"].as_u64().unwrap();
        let cases_before = app.store().count_cases().await.unwrap();

        // Refusals: nothing written, the field and value named, the contract's statuses.
        let refusals: [(serde_json::Value, u16, &str); 7] = [
            (serde_json::json!({"assignment": {"mode": 5}}), 400, "assignment.mode"),
            (serde_json::json!({"parties": [{"role": "原告", "name": 7}]}), 400, "parties[0].name"),
            (serde_json::json!({"court": "粤0103", "type_code": "民终"}), 422, "type_code"),
            (serde_json::json!({"filed_on": "2026-11-01"}), 422, "filed_on"),
            (serde_json::json!({"claim_amount": "-1"}), 422, "claim_amount"),
            (serde_json::json!({"claim_amount": {"yuan": 1}}), 400, "claim_amount"),
            (serde_json::json!({"origin_case_number": "not a number"}), 400, "origin_case_number"),
        ];
        for (patch, status, field) in refusals {
            let mut body = registration_body();
            for (k, v) in patch.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = app.post_json("/api/v1/cases", &reg, &body).await;
            assert_eq!(r.status.as_u16(), status, "{field}: {}", r.body);
            let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(json["field"], field, "{}", r.body);
            assert!(json["message"].as_str().unwrap().contains(field), "{}", r.body);
        }
        // 403: no CSRF token; a judge; a registrar asking to designate.
        let r = app
            .request(
                axum::http::Method::POST,
                "/api/v1/cases",
                Some(&reg.cookie),
                Some(registration_body().to_string()),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let judge = app.login("judge").await;
        assert_eq!(app.post_json("/api/v1/cases", &judge, &registration_body()).await.status, StatusCode::FORBIDDEN);
        let mut designate = registration_body();
        designate["assignment"] = serde_json::json!({"mode": "designated", "judge_id": "粤0103-001", "reason_code": "本院提审"});
        assert_eq!(app.post_json("/api/v1/cases", &reg, &designate).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.store().count_cases().await.unwrap(), cases_before);

        // The preview: triage and the pool with chances summing to 1; nothing written.
        let r = app.post_json("/api/v1/cases/preview", &reg, &registration_body()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let preview: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(preview["procedure"], "小额诉讼程序");
        let total: f64 = preview["pool"].as_array().unwrap().iter().map(|j| j["chance"].as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        assert_eq!(app.store().count_cases().await.unwrap(), cases_before);

        // 201 with the contract's keys.
        let r = app.post_json("/api/v1/cases", &reg, &registration_body()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let created: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        for key in ["case_number", "sequence", "procedure", "track", "triage_reasons", "judge", "assignment", "deadline"] {
            assert!(created.get(key).is_some(), "{key} missing: {}", r.body);
        }
        let number = created["case_number"].as_str().unwrap().to_owned();
        assert!(number.starts_with("（2026）粤0103民初"), "{number}");
        assert_eq!(number, format!("（2026）粤0103民初{}号", created["sequence"]));
        assert_eq!((created["procedure"].as_str(), created["track"].as_str()), (Some("小额诉讼程序"), Some("简")));
        assert_eq!(created["deadline"], "2026-12-31");
        assert_eq!(created["assignment"]["mode"], "random");
        assert_eq!(created["assignment"]["seed"].as_str().map(str::len), Some(64));
        assert!(r.header("location").is_some_and(|l| l.starts_with("/api/v1/cases/")));
        // Counted at once: the list of today's filings grows by one; the case opens.
        assert_eq!(app.get_json(filed_today, &reg).await["total"].as_u64().unwrap(), before + 1);
        let one = app.get_json(&format!("/api/v1/cases/{}", support::enc(&number)), &reg).await;
        assert_eq!(one["case_number"], number.as_str());

        // The 立案 page, a form registration, its result page and the notice.
        let r = app.request(axum::http::Method::GET, "/register", Some(&reg.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("立案登记") && r.body.contains("party_name_0"));
        let form = format!(
            "csrf={}&court=%E7%B2%A40103&type_code=%E6%B0%91%E5%88%9D&filed_on=2026-10-31&cause={}&claim_amount=500000&party_role_0={}&party_name_0={}&party_kind_0=person&party_role_1={}&party_name_1={}&party_kind_1=organization&assignment_mode=random",
            reg.csrf,
            support::enc("买卖合同纠纷"),
            support::enc("原告"),
            support::enc("合成原告乙"),
            support::enc("被告"),
            support::enc("合成公司丙"),
        );
        let r = app
            .request(
                axum::http::Method::POST,
                "/register",
                Some(&reg.cookie),
                Some(form),
                &[("content-type", "application/x-www-form-urlencoded")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let result = r.header("location").unwrap();
        let r = app.request(axum::http::Method::GET, &result, Some(&reg.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        // 500,000 > 2 W = 240,000 and 买卖合同纠纷 is not on the simple list: 普通程序, 繁.
        assert!(r.body.contains("普通程序") && r.body.contains("繁案") && r.body.contains("受理通知书"), "{}", r.body);
        let r = app.request(axum::http::Method::GET, &format!("{result}/notice"), Some(&reg.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.header("content-type").unwrap().contains("wordprocessingml") && r.bytes.starts_with(b"PK"));
        // A refused form comes back with the values and the field named.
        let bad = format!("csrf={}&court=%E7%B2%A40103&type_code=%E6%B0%91%E5%88%9D&filed_on=2026-10-31&claim_amount=-3&party_role_0={}&party_name_0=x&assignment_mode=random", reg.csrf, support::enc("原告"));
        let r = app
            .request(axum::http::Method::POST, "/register", Some(&reg.cookie), Some(bad), &[("content-type", "application/x-www-form-urlencoded")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("标的额“-3”：标的额不能为负数") && r.body.contains("value=\"-3\""), "{}", r.body);

        // The roster API and page; the manager of 粤0103 reassigns; stats follow.
        let roster = app.get_json("/api/v1/judges?court=%E7%B2%A40103", &reg).await;
        let first = &roster.as_array().unwrap()[0];
        for key in ["judge_id", "name", "court", "department", "case_types", "track", "weight", "active", "open_cases"] {
            assert!(first.get(key).is_some(), "{key}");
        }
        let manager = app.login("manager-basic").await;
        for uri in ["/judges", "/assignments", &format!("/cases/{}", support::enc(&number))] {
            let r = app.request(axum::http::Method::GET, uri, Some(&manager.cookie), None, &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}");
        }
        let r = app
            .post_json(&format!("/api/v1/cases/{}/reassign", support::enc(&number)), &reg, &serde_json::json!({"mode": "random"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let previous = created["judge"]["judge_id"].as_str().unwrap();
        let r = app
            .post_json(&format!("/api/v1/cases/{}/reassign", support::enc(&number)), &manager, &serde_json::json!({"mode": "random"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let moved: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_ne!(moved["judge"]["judge_id"].as_str(), Some(previous));
        assert_eq!(moved["assignment"]["previous_judge_id"], previous);
        let stats = app.get_json("/api/v1/assignments/stats?from=2026-10-01&to=2026-10-31", &manager).await;
        let court = stats.as_array().unwrap().iter().find(|s| s["court"] == "粤0103").expect("粤0103 stats");
        // Two registrations and one reassignment, all random: 指定分案占比 0.
        assert_eq!((court["random"].as_i64(), court["designated"].as_i64()), (Some(3), Some(0)));
        assert_eq!(court["designated_share"].as_f64(), Some(0.0));
        // A judge's 我的案件: open cases, ordered by deadline.
        let r = app.request(axum::http::Method::GET, "/my", Some(&judge.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("我的案件"));
        // The 审限届满 cells (the only plain date cells), most urgent first.
        let deadlines: Vec<&str> = r.body.match_indices("<td>20").map(|(i, _)| &r.body[i + 4..i + 14]).collect();
        assert!(!deadlines.is_empty());
        let mut sorted = deadlines.clone();
        sorted.sort_unstable();
        assert_eq!(deadlines, sorted);
        assert_eq!(app.request(axum::http::Method::GET, "/my", Some(&reg.cookie), None, &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.request(axum::http::Method::GET, "/register", Some(&judge.cookie), None, &[]).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_clock_on_the_web() {
    each_backend(async |app| {
        let judge = app.login("judge").await;
        let manager = app.login("manager-basic").await;
        // An open 民初 case of the judge, and an open 执 case of 粤0103.
        let facts = app.store().load_facts().await.unwrap();
        let own = facts
            .iter()
            .find(|f| {
                f.closed_on.is_none()
                    && f.case_number.type_code().as_str() == "民初"
                    && f.judge.as_deref() == Some(app.judge.as_str())
                    && f.filed_on <= xiezhi_test_support::d("2026-10-20")
            })
            .expect("an open 民初 case of the judge")
            .case_number
            .as_str()
            .to_owned();
        let enforcement = facts
            .iter()
            .find(|f| {
                f.closed_on.is_none()
                    && f.case_number.type_code().as_str() == "执"
                    && f.case_number.court().map(|c| c.to_string()).as_deref() == Some("粤0103")
            })
            .expect("an open 执 case of 粤0103")
            .case_number
            .as_str()
            .to_owned();
        let uri = |n: &str, tail: &str| format!("/api/v1/cases/{}{tail}", support::enc(n));
        // A judge records an excluded period on their case: 201 with the contract's deadline.
        let body = serde_json::json!({"event": "suspension", "kind": "鉴定", "from": "2026-10-21", "to": "2026-10-30"});
        let r = app.post_json(&uri(&own, "/events"), &judge, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(json["deadline"]["suspended_days"], 10);
        for key in [
            "case_number",
            "court",
            "judge",
            "type_code",
            "procedure",
            "start",
            "limit",
            "base_deadline",
            "extension_days",
            "suspended_days",
            "suspended_now",
            "deadline",
            "remaining_days",
            "status",
        ] {
            assert!(json["deadline"].get(key).is_some(), "{key}");
        }
        // The same again: 200, unchanged. Without CSRF: 403. An extension by a judge: 403.
        let r = app.post_json(&uri(&own, "/events"), &judge, &body).await;
        assert_eq!(r.status, StatusCode::OK);
        let r = app
            .request(
                axum::http::Method::POST,
                &uri(&own, "/events"),
                Some(&judge.cookie),
                Some(body.to_string()),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let ext = serde_json::json!({"event": "extension", "on": "2026-10-30", "months": 6});
        assert_eq!(app.post_json(&uri(&own, "/events"), &judge, &ext).await.status, StatusCode::FORBIDDEN);
        // A payment on a 民初 case: 422 naming the field.
        let pay = serde_json::json!({"event": "payment", "on": "2026-10-30", "amount": "10.00"});
        let r = app.post_json(&uri(&own, "/events"), &judge, &pay).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        // The case API carries the deadline object and the events.
        let one = app.get_json(&uri(&own, ""), &judge).await;
        assert_eq!(one["deadline"]["suspended_days"], 10);
        assert_eq!(one["events"][0]["event"], "suspension");
        assert_eq!(one["events"][0]["recorded_by"], "judge");
        // The 终本 gate: 422 listing what is missing.
        let close = serde_json::json!({"closed_on": "2026-10-31", "disposition": "终结本次执行程序"});
        let r = app.post_json(&uri(&enforcement, "/close"), &manager, &close).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("不符合终本条件") && r.body.contains("终本核查"), "{}", r.body);
        // Two payments: each shows the running total on the case page.
        let filed = facts.iter().find(|f| f.case_number.as_str() == enforcement).unwrap().filed_on.to_string();
        for amount in ["1000", "234.50"] {
            let pay = serde_json::json!({"event": "payment", "on": filed, "amount": amount});
            let r = app.post_json(&uri(&enforcement, "/events"), &manager, &pay).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let page = app
            .request(
                axum::http::Method::GET,
                &format!("/cases/{}", support::enc(&enforcement)),
                Some(&manager.cookie),
                None,
                &[],
            )
            .await;
        assert!(page.body.contains("到位 1,000.00 元，累计 1,000.00 元"), "{}", page.body);
        assert!(page.body.contains("到位 234.50 元，累计 1,234.50 元"), "{}", page.body);
        assert!(page.body.contains("执行到位合计 1,234.50 元"), "{}", page.body);
        // The deadlines API: objects of the cases the user sees.
        let list = app.get_json("/api/v1/deadlines?status=all", &judge).await;
        assert!(list.as_array().unwrap().iter().all(|l| l["judge"] == app.judge.as_str()));
        assert!(list.as_array().unwrap().iter().any(|l| l["case_number"] == own.as_str()));
        // A form on the case page, and the pages of the clock.
        let form = format!("csrf={}&event=restart&on=2026-10-29&reason={}", judge.csrf, support::enc("补充侦查完毕"));
        let r = app
            .request(
                axum::http::Method::POST,
                &format!("/cases/{}/events", support::enc(&own)),
                Some(&judge.cookie),
                Some(form),
                &[("content-type", "application/x-www-form-urlencoded")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("已记录") && r.body.contains("重新计算"), "{}", r.body);
        for (who, pages) in [
            (
                &judge,
                vec!["/deadlines", "/deadlines?status=suspended", "/extensions", "/notifications", "/rechecks", "/my"],
            ),
            (&manager, vec!["/deadlines", "/deadlines?status=all", "/extensions", "/notifications", "/rechecks"]),
        ] {
            for p in pages {
                let r = app.request(axum::http::Method::GET, p, Some(&who.cookie), None, &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{p}: {}", &r.body[..r.body.len().min(300)]);
            }
        }
        let registrar = app.login("registrar").await;
        assert_eq!(
            app.request(axum::http::Method::GET, "/deadlines", Some(&registrar.cookie), None, &[]).await.status,
            StatusCode::FORBIDDEN
        );
        // Extension workflow through the API: the judge asks, the court's manager approves.
        let r = app
            .post_json(
                &uri(&own, "/extension-requests"),
                &judge,
                &serde_json::json!({"months": "3", "reason": "需要鉴定"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
        let decision = format!("/api/v1/extension-requests/{id}/decision");
        assert_eq!(
            app.post_json(&decision, &judge, &serde_json::json!({"approve": true})).await.status,
            StatusCode::FORBIDDEN
        );
        let r = app.post_json(&decision, &manager, &serde_json::json!({"approve": true, "note": "同意"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let one = app.get_json(&uri(&own, ""), &judge).await;
        assert!(one["events"].as_array().unwrap().iter().any(|e| e["event"] == "extension" && e["months"] == 3));
    })
    .await;
}

/// 电子卷宗 on the web: an upload is stored and catalogued, its text shown with citations as
/// links and search words marked; the original is a download (never inline HTML); HTML is
/// refused by content; a withdrawal needs a reason and stays in the catalogue; another court
/// sees nothing; every view and download is audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_file_on_the_web() {
    each_backend(async |app| {
        let s = app.login("manager-basic").await;
        let case = app.case_of_court("粤0103", None).await;
        let base = format!("/cases/{}/dossier", enc(&case));
        let text = "庭审笔录\n被告：借款属实，利息过高。依照民法典第六百八十条。";
        let (body, content_type) = multipart(&[("csrf", &s.csrf)], ("file", "笔录.txt", text));
        let r = app
            .request(
                Method::POST,
                &base,
                Some(&s.cookie),
                Some(body),
                &[("content-type", &content_type), ("x-requested-with", "fetch")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let added: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(added["added"][0]["category"], "庭审笔录");
        assert_eq!(added["added"][0]["file_name"], "笔录.txt");
        let seq = added["added"][0]["seq"].as_i64().unwrap();
        // Without the CSRF token nothing is stored.
        let (body, content_type) = multipart(&[], ("file", "x.txt", "文字"));
        let r = app.request(Method::POST, &base, Some(&s.cookie), Some(body), &[("content-type", &content_type)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // HTML is refused whatever its name.
        let (body, content_type) =
            multipart(&[("csrf", &s.csrf)], ("file", "evidence.txt", "<html><script>alert(1)</script></html>"));
        let r = app.request(Method::POST, &base, Some(&s.cookie), Some(body), &[("content-type", &content_type)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        // The viewer: the citation is a link, the search word marked.
        let q = xiezhi_web::enc_query("利息");
        let r = app.request(Method::GET, &format!("{base}/{seq}?q={q}"), Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        let law = enc("《中华人民共和国民法典》第六百八十条");
        // (The template escapes the link's "/" as &#x2f;.)
        assert!(r.body.contains(&format!("laws?cite={law}\">民法典第六百八十条</a>")), "{}", r.body);
        assert!(r.body.contains("<mark>利息</mark>") && r.body.contains("出现 1 处"));
        // The case page lists it, and counts hits of a search inside the file.
        let r = app.request(Method::GET, &format!("/cases/{}?dq={q}", enc(&case)), Some(&s.cookie), None, &[]).await;
        assert!(r.body.contains("笔录.txt") && r.body.contains("id=\"dossier\""));
        // The original: a download, not rendered.
        let r = app.request(Method::GET, &format!("{base}/{seq}/file"), Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.header("content-disposition").unwrap().starts_with("attachment"));
        assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(r.body, text);
        // A withdrawal needs a reason; then it is marked, not gone.
        let r = app
            .request(
                Method::POST,
                &format!("{base}/{seq}/withdraw"),
                Some(&s.cookie),
                Some(format!("csrf={}&reason=", s.csrf)),
                &[("content-type", "application/x-www-form-urlencoded")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let reason = xiezhi_web::enc_query("当事人撤回");
        let r = app
            .request(
                Method::POST,
                &format!("{base}/{seq}/withdraw"),
                Some(&s.cookie),
                Some(format!("csrf={}&reason={reason}", s.csrf)),
                &[("content-type", "application/x-www-form-urlencoded")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = app.request(Method::GET, &format!("/cases/{}", enc(&case)), Some(&s.cookie), None, &[]).await;
        assert!(r.body.contains("已撤回：当事人撤回"));
        // Another court's manager sees no such file.
        let other = app.login("manager-city").await;
        let elsewhere = app.case_of_court("粤0104", None).await;
        let r = app.request(Method::GET, &format!("{base}/{seq}/file"), Some(&other.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "the city's manager oversees 粤0103");
        let judge = app.login("judge").await;
        let r = app
            .request(Method::GET, &format!("/cases/{}/dossier/1/file", enc(&elsewhere)), Some(&judge.cookie), None, &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let actions = app.audit_actions().await;
        for a in ["dossier_add", "dossier_view", "dossier_download", "dossier_withdraw"] {
            assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
        }
    })
    .await;
}

/// The case file through the API: a scanned two-page TIFF posted (CSRF in the header) is
/// stored at once and read in the background, page by page; `?wait=true` gives its text with
/// each page's confidence; the list shows it read and catalogued; the file comes back as it
/// went in; the viewer shows each page's image beside its text. Without the token, or for a
/// court the user does not see, nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_file_through_the_api() {
    each_backend(async |app| {
        let s = app.login("manager-basic").await;
        let case = app.case_of_court("粤0103", None).await;
        let api = format!("/api/v1/cases/{}/documents", enc(&case));
        let tiff = include_bytes!("../../xiezhi-ocr/tests/fixtures/iou-receipt-g4.tiff");
        let (body, content_type) = multipart_file("借条收条.tif", tiff);
        let r = app
            .request_bytes(Method::POST, &api, Some(&s.cookie), body.clone(), &[("content-type", &content_type)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token: {}", r.body);
        let r = app
            .request_bytes(
                Method::POST,
                &api,
                Some(&s.cookie),
                body,
                &[("content-type", &content_type), ("x-csrf-token", &s.csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let added: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let seq = added[0]["seq"].as_i64().unwrap();
        assert_eq!((added[0]["pages"].as_i64(), added[0]["file_name"].as_str()), (Some(2), Some("借条收条.tif")));
        let r = app.request(Method::GET, &format!("{api}/{seq}/text?wait=true"), Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let pages: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let strip = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let texts: Vec<String> = pages.as_array().unwrap().iter().map(|p| strip(p["text"].as_str().unwrap())).collect();
        assert_eq!(
            texts,
            [
                "借条今借到甲某人民币伍万元整，于2026年12月31日前归还。借款人：乙某",
                "收条今收到乙某归还借款人民币壹万元整。收款人：甲某"
            ]
        );
        assert!(pages.as_array().unwrap().iter().all(|p| p["confidence"].as_f64().unwrap() > 0.9));
        let list = app.get_json(&api, &s).await;
        let mine = list.as_array().unwrap().iter().find(|d| d["seq"] == seq).unwrap();
        assert_eq!((mine["ocr"].as_str(), mine["category"].as_str()), (Some("done"), Some("证据材料")));
        assert_eq!(mine["ocr_progress"], serde_json::json!({"pages_done": 2, "pages_total": 2}));
        // A reading a stopped server left unfinished is queued again when the server starts.
        let stuck = xiezhi_store::dossier::Reading {
            case_number: case.clone(),
            seq,
            status: "reading".to_owned(),
            pages_done: 1,
            pages_total: Some(2),
            error: None,
            updated_at: "2026-01-01 00:00:00".to_owned(),
        };
        app.store().set_dossier_reading(&stuck).await.unwrap();
        assert_eq!(app.state.app.resume_dossier_reading().await.unwrap(), 1);
        let mut status = String::new();
        for _ in 0..200 {
            let list = app.get_json(&api, &s).await;
            status =
                list.as_array().unwrap().iter().find(|d| d["seq"] == seq).unwrap()["ocr"].as_str().unwrap().to_owned();
            if status != "pending" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status, "done");
        assert_eq!(app.state.app.resume_dossier_reading().await.unwrap(), 0, "nothing left to resume");
        let r = app.request(Method::GET, &format!("{api}/{seq}"), Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.bytes, tiff.to_vec());
        // The viewer: each page's image beside its text.
        let page = format!("/cases/{}/dossier/{seq}", enc(&case));
        let r = app.request(Method::GET, &page, Some(&s.cookie), None, &[]).await;
        assert!(r.body.contains("第 2 页") && r.body.contains("收款人"), "{}", r.body);
        let r = app.request(Method::GET, &format!("{page}/page/2"), Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.bytes.starts_with(b"\x89PNG"));
        let r = app.request(Method::GET, &format!("{page}/page/3"), Some(&s.cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Another basic court's judge: no such case.
        let judge = app.login("judge").await;
        let elsewhere = app.case_of_court("粤0104", None).await;
        let r = app
            .request(
                Method::GET,
                &format!("/api/v1/cases/{}/documents", enc(&elsewhere)),
                Some(&judge.cookie),
                None,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let actions = app.audit_actions().await;
        for a in ["dossier_add", "dossier_text", "dossier_download", "dossier_page_view", "dossier_ocr"] {
            assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
        }
    })
    .await;
}

/// 智能辅助办案 through the API and the pages: recommend, similar among candidates, cite, and
/// the 检索报告 of a case as a Word document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legal_research_through_the_api_and_the_pages() {
    each_backend(async |app| {
        let s = app.login("judge").await;
        let facts = "公诉机关指控，被告人甲某醉酒后驾驶小型轿车在道路上行驶，经鉴定其血液酒精含量为156毫克/100毫升。";
        let r = app.post_json("/api/v1/laws/recommend", &s, &serde_json::json!({"facts": facts, "top": 3})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let list: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!((list[0]["article_no"].as_u64(), list[0]["suffix"].as_str()), (Some(133), Some("之一")));
        let r = app.post_json("/api/v1/laws/recommend", &s, &serde_json::json!({"facts": ""})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let r = app
            .post_json(
                "/api/v1/similar",
                &s,
                &serde_json::json!({"query": "被告借款5万元，出具借条，约定月利率2%，丙提供连带责任保证。",
                    "candidates": [{"id": "x", "text": "原告以现金出借300元，未约定利息。"},
                                   {"id": "y", "text": "被告借款6万元，出具借条，约定月息2分，丁为连带责任保证人。"}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let ranked: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(ranked[0]["id"], "y");
        let r = app.post_json("/api/v1/cite", &s, &serde_json::json!({"text": "依照刑法第264条"})).await;
        let cited: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(cited["statutes"][0]["article_no"], 264);
        assert_eq!((cited["statutes"][0]["start"].as_u64(), cited["statutes"][0]["end"].as_u64()), (Some(2), Some(9)));
        // Without the CSRF header, refused.
        let r = app
            .request(
                Method::POST,
                "/api/v1/cite",
                Some(&s.cookie),
                Some("{\"text\":\"x\"}".into()),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The case page has both sections; the report is a Word document.
        let case = app.case_of_court("粤0103", Some(true)).await;
        let r = app.request(Method::GET, &format!("/cases/{}", enc(&case)), Some(&s.cookie), None, &[]).await;
        assert!(r.body.contains("推荐法条") && r.body.contains("类案推送"));
        let r = app
            .request(Method::GET, &format!("/cases/{}/research-report", enc(&case)), Some(&s.cookie), None, &[])
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.bytes.starts_with(b"PK"));
        assert!(r.header("content-disposition").unwrap().contains(&enc("法律检索报告")));
        assert!(app.audit_actions().await.iter().any(|a| a == "research_report"));
        // The 法律检索 page's 案情分析 form.
        let form = format!("csrf={}&facts={}", s.csrf, xiezhi_web::enc_query(facts));
        let r = app
            .request(
                Method::POST,
                "/laws/analyse",
                Some(&s.cookie),
                Some(form),
                &[("content-type", "application/x-www-form-urlencoded")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("第一百三十三条之一") && r.body.contains("危险驾驶罪的要素"), "{}", r.body.len());
    })
    .await;
}
