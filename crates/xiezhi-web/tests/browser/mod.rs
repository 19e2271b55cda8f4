//! A minimal Chrome DevTools Protocol client over a WebSocket: headless Chromium (Debian's
//! `chromium`) started with `--remote-debugging-port=0`, one page target attached in flattened
//! mode, commands answered in order, and every network request of the page recorded.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

pub struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    session: String,
    /// Every URL the page requested.
    pub requests: Vec<String>,
    _profile: tempfile::TempDir,
}

/// The Chromium binary, if installed.
pub fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find_map(|name| {
        let ok = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().ok()?.status.success();
        ok.then(|| name.to_owned())
    })
}

impl Browser {
    pub fn launch(binary: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--window-size=1366,768",
                "--lang=zh-CN",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("ws://") {
                    let _ = sender.send(line[at..].trim().to_owned());
                }
            }
        });
        let url = receiver.recv_timeout(Duration::from_secs(60)).expect("chromium prints its DevTools URL");
        let (ws, _) = tungstenite::connect(url.as_str()).expect("the DevTools WebSocket accepts");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        }
        let mut browser =
            Browser { child, ws, next_id: 0, session: String::new(), requests: Vec::new(), _profile: profile };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().unwrap().to_owned();
        let attached = browser.call("Target.attachToTarget", json!({"targetId": target_id, "flatten": true}));
        browser.session = attached["sessionId"].as_str().unwrap().to_owned();
        browser.call("Page.enable", json!({}));
        browser.call("Network.enable", json!({}));
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser
    }

    /// Sends a command (to the page session once attached) and waits for its answer; events
    /// arriving meanwhile are looked at for network requests.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(result) => result,
            Err(error) => panic!("{method}: {error}"),
        }
    }

    /// As [`Browser::call`], but a DevTools error is returned rather than a panic.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = self.session.clone().into();
        }
        self.ws.send(Message::text(message.to_string())).unwrap();
        loop {
            let text = match self.ws.read().expect("DevTools answers") {
                Message::Text(t) => t.to_string(),
                _ => continue,
            };
            let value: Value = serde_json::from_str(&text).unwrap();
            if value["id"] == id {
                return match value.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(value["result"].clone()),
                };
            }
            if value["method"] == "Network.requestWillBeSent"
                && let Some(url) = value["params"]["request"]["url"].as_str()
            {
                {
                    self.requests.push(url.to_owned());
                }
            }
        }
    }

    /// Evaluates JavaScript in the page (promises awaited), returning its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true, "awaitPromise": true}));
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Evaluates a check while the page may be navigating: a context destroyed by the
    /// navigation ("Inspected target navigated or closed", "Execution context was destroyed")
    /// or an exception in a half-loaded document counts as "not yet".
    fn poll(&mut self, expression: &str) -> bool {
        match self.try_call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        ) {
            Ok(r) => r.get("exceptionDetails").is_none() && r["result"]["value"] == Value::Bool(true),
            Err(_) => false,
        }
    }

    /// Waits until the page at `path` has loaded (and `selector` exists).
    pub fn wait_for(&mut self, path: &str, selector: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let check = format!(
            "document.readyState === 'complete' && location.pathname === {} && !!document.querySelector({})",
            serde_json::to_string(path).unwrap(),
            serde_json::to_string(selector).unwrap()
        );
        while Instant::now() < deadline {
            if self.poll(&check) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let at = self.eval("location.href + ' — ' + document.title + ' — ' + (document.body ? document.body.innerText.slice(0, 300) : '')");
        panic!("the page {path} with {selector} did not load; at {at}");
    }

    /// Waits until the page has loaded and `selector` exists, wherever it is.
    pub fn wait_for_selector(&mut self, selector: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let check = format!(
            "document.readyState === 'complete' && !!document.querySelector({})",
            serde_json::to_string(selector).unwrap()
        );
        while Instant::now() < deadline {
            if self.poll(&check) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no {selector} appeared");
    }

    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
    }

    /// A PNG of the page, 1366 wide, up to 3000 px high.
    pub fn screenshot(&mut self, path: &std::path::Path) {
        let height = self.eval("Math.min(3000, document.documentElement.scrollHeight)").as_f64().unwrap_or(768.0);
        let r = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true, "clip": {"x": 0, "y": 0, "width": 1366, "height": height.max(768.0), "scale": 1}}),
        );
        let data = r["data"].as_str().unwrap();
        std::fs::write(path, base64_decode(data)).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = text.bytes().filter(|b| *b != b'=' && !b.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, c)| acc | (u32::from(value(*c)) << (18 - 6 * i)));
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}
