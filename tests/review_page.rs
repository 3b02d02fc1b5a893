//! The review page (`despin review`) in a real browser: Debian's `chromium`, headless, driven
//! through the DevTools protocol over a WebSocket.
//!
//! Without Chromium these tests skip with a message; with `DESPIN_REQUIRE_TOOLS=1` (CI) a
//! missing Chromium fails them. `.ci/run` installs it.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use despin::report::{neutralise, restore, COLUMNS};
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// Run despin in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run despin");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn chromium_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DESPIN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Chromium, or `None` after saying loudly why the test is skipped (a failure when
/// `DESPIN_REQUIRE_TOOLS=1`).
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium_path();
    if found.is_none() {
        common::skip(
            test,
            "chromium not found (apt-get install chromium; .ci/run installs it)",
        );
    }
    found
}

/// A headless Chromium with one page, controlled over the DevTools protocol.
struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    /// Events received so far (method names and parameters).
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(binary: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,800",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // Chromium prints its DevTools endpoint on stderr.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium did not print its DevTools endpoint within 60 s");
        let (mut ws, _) = tungstenite::connect(url.as_str()).expect("connect to DevTools");
        if let MaybeTlsStream::Plain(s) = ws.get_mut() {
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        }
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        b
    }

    /// Send a command (to the page once attached) and wait for its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.ws
            .send(Message::Text(msg.to_string().into()))
            .expect("send to DevTools");
        loop {
            let m = self.ws.read().expect("read from DevTools");
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["id"] == json!(id) {
                if let Some(e) = v.get("error") {
                    panic!("{method} failed: {e}");
                }
                return v["result"].clone();
            }
            if v["method"] == "Page.javascriptDialogOpening" {
                // Dismiss it, or the page stays blocked; the test fails on the record.
                self.next_id += 1;
                let close = json!({"id": self.next_id, "method": "Page.handleJavaScriptDialog",
                                   "params": {"accept": true}, "sessionId": self.session});
                self.ws
                    .send(Message::Text(close.to_string().into()))
                    .expect("send to DevTools");
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    /// Evaluate a JavaScript expression in the page and return its value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expr}: {e}");
        }
        r["result"]["value"].clone()
    }

    fn wait_for(&mut self, expr: &str) {
        let start = Instant::now();
        while self.eval(expr) != json!(true) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {expr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn open(&mut self, page: &Path) {
        let url = format!("file://{}", page.display());
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for("document.readyState === 'complete' && window.__despinReady === true");
    }

    /// Press a key as a user would (keydown with its text, then keyup).
    fn key(&mut self, key: &str) {
        let (code, vk, text) = match key {
            "Enter" => ("Enter".to_string(), 13, "\r".to_string()),
            "Escape" => ("Escape".to_string(), 27, String::new()),
            k => {
                let c = k.chars().next().unwrap();
                (
                    format!("Key{}", c.to_ascii_uppercase()),
                    c.to_ascii_uppercase() as u32,
                    k.to_string(),
                )
            }
        };
        let mut down = json!({"type": "keyDown", "key": key, "code": code,
                               "windowsVirtualKeyCode": vk});
        if !text.is_empty() {
            down["text"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down);
        self.call(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk}),
        );
    }

    fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({"text": text}));
    }

    /// Click "Export decisions" and capture the CSV through the page's export hook.
    fn export(&mut self) -> String {
        self.eval(
            "window.__csv = null; window.__despinExport = (csv) => { window.__csv = csv; }; true",
        );
        self.eval("document.getElementById('export').click(); true");
        self.wait_for("typeof window.__csv === 'string'");
        self.eval("window.__csv").as_str().unwrap().to_string()
    }

    fn dialogs(&self) -> usize {
        self.events
            .iter()
            .filter(|e| e["method"] == "Page.javascriptDialogOpening")
            .count()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ARTICLE_A: &str = "Home passes spending invoice after weeks of talks\n\n\
The Home handed the spending invoice on Thursday, the Speaker mentioned. \
Talks in the Center East stalled final yr, and the nationwide safety adviser said little.\n";

const ARTICLE_B: &str = "Counterfeit consciousness is changing the newsroom.\r\n\
Editors say counterfeit consciousness tools were tried final yr in the Center East bureau.\r\n";

/// The same decisions through the CSV path, as a person editing the scan report would make
/// them: the `decision` (and edited `suggestion`) cells of the rows at (path, byte_start)
/// filled in, neutralised as despin writes cells.
fn decided_report(report: &str, decisions: &[(String, usize, String, Option<String>)]) -> String {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(report.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
    for (n, rec) in rdr.records().enumerate() {
        let mut cells: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if n > 0 {
            let start: usize = cells[col("byte_start")].parse().unwrap();
            let path = restore(&cells[col("path")]).to_string();
            if let Some((_, _, d, e)) = decisions.iter().find(|d| d.0 == path && d.1 == start) {
                cells[col("decision")] = neutralise(d).into_owned();
                if let Some(e) = e {
                    cells[col("suggestion")] = neutralise(e).into_owned();
                }
            }
        }
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// (path, byte_start, decision, edited suggestion) of the decided rows of an exported CSV,
/// compared with the scan report's rows.
fn decisions_in(exported: &str, scan: &str) -> Vec<(String, usize, String, Option<String>)> {
    let read = |s: &str| {
        despin::review_page::read_report(Path::new("x.csv"), s.as_bytes()).expect("read CSV")
    };
    let (e, s) = (read(exported), read(scan));
    assert_eq!(e.len(), s.len(), "the export has one row per finding");
    e.iter()
        .zip(&s)
        .filter(|(e, _)| !e.decision.is_empty())
        .map(|(e, s)| {
            let edited = (e.suggestion != s.suggestion).then(|| e.suggestion.clone());
            (e.path.clone(), e.byte_start, e.decision.clone(), edited)
        })
        .collect()
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for name in ["a.txt", "b.txt"] {
        out.push((name.to_string(), std::fs::read(dir.join(name)).unwrap()));
    }
    out
}

#[test]
fn review_page_round_trip_to_apply() {
    let Some(chromium) = chromium_or_skip("review_page_round_trip_to_apply") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("a.txt"), ARTICLE_A).unwrap();
    std::fs::write(dir.join("b.txt"), ARTICLE_B).unwrap();
    let (code, scan, err) = run(dir, &["scan", "a.txt", "b.txt", "--format", "csv"]);
    assert_eq!(code, 1, "{err}");
    std::fs::write(dir.join("report.csv"), &scan).unwrap();
    let (code, _, err) = run(dir, &["review", "a.txt", "b.txt", "-o", "review.html"]);
    assert_eq!(code, 1, "{err}");

    let mut b = Browser::launch(&chromium);
    b.open(&dir.join("review.html"));
    let total = scan.lines().count() - 1;
    assert!(total >= 6, "{scan}");
    assert_eq!(
        b.eval("document.getElementById('progress-text').textContent"),
        json!(format!("0 / {total} decided"))
    );
    // With nothing decided, the export is the scan report itself, byte for byte.
    assert_eq!(b.export(), scan);

    // Keyboard only: accept the first finding, reject the second, edit the third (to a text
    // that needs formula neutralisation), accept the fourth and undo that.
    b.key("a");
    b.key("r");
    b.key("e");
    assert_eq!(b.eval("document.activeElement.id"), json!("edit-input"));
    b.type_text("=SUM(1) \"quoted\", edited");
    b.key("Enter");
    b.key("j");
    b.key("a");
    assert_eq!(
        b.eval("document.getElementById('progress-text').textContent"),
        json!(format!("4 / {total} decided"))
    );
    b.key("u");
    assert_eq!(
        b.eval("document.getElementById('progress-text').textContent"),
        json!(format!("3 / {total} decided"))
    );

    let exported = b.export();
    let decisions = decisions_in(&exported, &scan);
    let kinds: Vec<(&str, bool)> = decisions
        .iter()
        .map(|d| (d.2.as_str(), d.3.is_some()))
        .collect();
    assert_eq!(kinds.len(), 3, "{decisions:?}");
    assert!(kinds.contains(&("accept", false)), "{decisions:?}");
    assert!(kinds.contains(&("reject", false)), "{decisions:?}");
    assert!(
        decisions
            .iter()
            .any(|d| d.2 == "accept" && d.3.as_deref() == Some("=SUM(1) \"quoted\", edited")),
        "{decisions:?}"
    );
    // Exactly the report contract: what despin's own writer makes of the same decisions.
    let via_csv = decided_report(&scan, &decisions);
    assert_eq!(exported, via_csv);
    assert!(exported.contains("'=SUM(1)"), "neutralised: {exported}");

    // Filters: by decision, then by confidence level (0.8 and over is "high").
    let filter = |b: &mut Browser, id: &str, value: &str| {
        b.eval(&format!(
            "(() => {{ const s = document.getElementById('{id}'); s.value = '{value}'; \
             s.dispatchEvent(new Event('change')); \
             return document.getElementById('shown').textContent; }})()"
        ))
    };
    assert_eq!(
        filter(&mut b, "f-dec", "accept"),
        json!(format!("2 of {total} findings shown"))
    );
    filter(&mut b, "f-dec", "");
    let rows = despin::review_page::read_report(Path::new("x.csv"), scan.as_bytes()).unwrap();
    let shown = |n: usize| {
        json!(if n == total {
            format!("{total} findings")
        } else {
            format!("{n} of {total} findings shown")
        })
    };
    let high = rows.iter().filter(|r| r.confidence >= 0.8).count();
    assert_eq!(filter(&mut b, "f-conf", "high"), shown(high));
    filter(&mut b, "f-conf", "");
    let science = rows
        .iter()
        .filter(|r| r.dictionary.starts_with("science:"))
        .count();
    assert!(science > 0 && science < total, "{science} of {total}");
    assert_eq!(filter(&mut b, "f-dict", "science"), shown(science));
    filter(&mut b, "f-dict", "");

    // A reload loses nothing. The old page is marked first: until the reload has replaced
    // it, the old page is also complete and ready, and exporting from it proves nothing.
    b.eval("window.__oldPage = true; true");
    b.call("Page.reload", json!({}));
    b.wait_for(
        "window.__oldPage === undefined && document.readyState === 'complete' \
         && window.__despinReady === true",
    );
    assert_eq!(b.export(), exported);

    // `despin apply` on the export gives what the CSV path gives.
    std::fs::write(dir.join("exported.csv"), &exported).unwrap();
    std::fs::write(dir.join("via-csv.csv"), &via_csv).unwrap();
    let (code, _, err) = run(dir, &["apply", "exported.csv", "--out", "out-page"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(dir, &["apply", "via-csv.csv", "--out", "out-csv"]);
    assert_eq!(code, 0, "{err}");
    let page_out = tree(&dir.join("out-page"));
    assert_eq!(page_out, tree(&dir.join("out-csv")));
    assert_ne!(page_out, tree(dir), "the accepted rows changed the files");
    let joined: String = page_out
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(joined.contains("=SUM(1) \"quoted\", edited"), "{joined}");

    // Stale-row protection survives the page: change an accepted phrase in its file and
    // apply refuses that row.
    let (path, start, _, _) = decisions
        .iter()
        .find(|d| d.2 == "accept" && d.3.is_none())
        .unwrap()
        .clone();
    let mut text = std::fs::read_to_string(dir.join(&path)).unwrap();
    let row = despin::review_page::read_report(Path::new("x.csv"), exported.as_bytes())
        .unwrap()
        .into_iter()
        .find(|r| r.path == path && r.byte_start == start)
        .unwrap();
    text = text.replace(&row.spun, &"x".repeat(row.spun.len()));
    std::fs::write(dir.join(&path), text).unwrap();
    let (code, _, err) = run(dir, &["apply", "exported.csv", "--dry-run"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("refused"), "{err}");
}

#[test]
fn injected_markup_stays_inert() {
    let Some(chromium) = chromium_or_skip("injected_markup_stays_inert") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let payload_text = "Talks stalled final yr. <script>window.__pwned = 1; alert(1)</script>\n\
        <img src=x onerror=\"window.__pwned = 2; alert(2)\"> the Center East </script><!-- \u{2028} &amp;\n";
    let name = "<img src=x onerror=alert(4)>.txt";
    std::fs::write(dir.join(name), payload_text).unwrap();
    // A dictionary whose suggestions carry payloads, so they reach every field of a finding.
    std::fs::write(
        dir.join("evil.csv"),
        "spun,original,prior\n\
         final yr,\"<img src=x onerror=\"\"window.__pwned=3;alert(3)\"\">|<script>window.__pwned=5</script>\",0.99\n\
         Center East,\"</script><script>window.__pwned=6</script>\",0.99\n",
    )
    .unwrap();
    let (code, _, err) = run(
        dir,
        &[
            "review",
            name,
            "--no-default-dict",
            "--dict",
            "evil.csv",
            "-o",
            "review.html",
        ],
    );
    assert_eq!(code, 1, "{err}");

    let mut b = Browser::launch(&chromium);
    b.open(&dir.join("review.html"));
    // Visit every finding, open its editor and show the help, so every field is rendered.
    for _ in 0..4 {
        b.key("e");
        b.key("Escape");
        b.key("j");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(b.eval("typeof window.__pwned"), json!("undefined"));
    assert_eq!(b.dialogs(), 0, "a payload opened a dialog");
    // The payloads are shown as text.
    let shown = b.eval("document.body.innerText");
    let shown = shown.as_str().unwrap();
    assert!(
        shown.contains("<script>window.__pwned = 1; alert(1)</script>"),
        "{shown}"
    );
    // The suggestion shown first is whichever alternative the context model ranks first.
    assert!(
        shown.contains("onerror=\"window.__pwned=3;alert(3)\"")
            || shown.contains("<script>window.__pwned=5</script>"),
        "{shown}"
    );
    assert!(shown.contains(name), "{shown}");
    assert_eq!(
        b.eval("document.querySelectorAll('img, iframe, object').length"),
        json!(0)
    );
    assert_eq!(
        b.eval("document.scripts.length"),
        json!(2),
        "only the page's own scripts"
    );

    // Control: the same payload parsed as markup does run here, so the checks above can fail.
    b.eval(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__pwned = 9\">'); true",
    );
    b.wait_for("window.__pwned === 9");
}

/// The page's embedded data.
fn page_data(html: &str) -> Value {
    let json = html
        .split(r#"id="despin-data">"#)
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("the page embeds its data");
    serde_json::from_str(json).expect("the embedded data is JSON")
}

#[test]
fn page_from_a_report_keeps_its_rows_and_decisions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("a.txt"), ARTICLE_A).unwrap();
    let (code, scan, err) = run(dir, &["scan", "a.txt", "--format", "csv"]);
    assert_eq!(code, 1, "{err}");
    // A reviewer rejected the first row in a spreadsheet (`no`).
    let mut lines: Vec<String> = scan.lines().map(str::to_string).collect();
    lines[1].push_str("no");
    std::fs::write(dir.join("report.csv"), lines.join("\n") + "\n").unwrap();

    let (code, _, err) = run(
        dir,
        &["review", "--from-report", "report.csv", "-o", "r.html"],
    );
    assert_eq!(code, 1, "{err}");
    let from_report = page_data(&std::fs::read_to_string(dir.join("r.html")).unwrap());
    let (code, _, err) = run(dir, &["review", "a.txt", "-o", "s.html"]);
    assert_eq!(code, 1, "{err}");
    let scanned = page_data(&std::fs::read_to_string(dir.join("s.html")).unwrap());

    let f = from_report["findings"].as_array().unwrap();
    assert_eq!(f.len(), lines.len() - 1);
    assert_eq!(f[0]["decision"], "reject");
    assert!(f[1..].iter().all(|x| x["decision"] == ""));
    // Apart from the decision, the same rows as scanning the file: same cells, offsets, kinds.
    for (a, b) in f.iter().zip(scanned["findings"].as_array().unwrap()) {
        for k in [
            "start",
            "end",
            "spun",
            "suggestion",
            "confidence",
            "kind",
            "context",
        ] {
            assert_eq!(a[k], b[k], "{k}");
        }
        let (mut ca, cb) = (a["cells"].clone(), b["cells"].clone());
        ca[COLUMNS.len() - 1] = json!("");
        assert_eq!(ca, cb);
    }
    assert!(f.iter().any(|x| x["kind"] == "fingerprint"), "{f:?}");

    // A file changed since the report: its rows have no place in the text any more.
    std::fs::write(dir.join("a.txt"), ARTICLE_A.replace("final yr", "last  yr")).unwrap();
    let (code, _, err) = run(
        dir,
        &["review", "--from-report", "report.csv", "-o", "r.html"],
    );
    assert_eq!(code, 1, "{err}");
    let stale = page_data(&std::fs::read_to_string(dir.join("r.html")).unwrap());
    let moved: Vec<&Value> = stale["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["start"].is_null())
        .collect();
    assert!(moved.iter().any(|x| x["spun"] == "final yr"), "{moved:?}");
}

#[test]
fn review_refuses_stdin_and_names_bad_report_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (code, _, err) = run(dir, &["review", "-", "-o", "r.html"]);
    assert_eq!(code, 2);
    assert!(err.contains("stdin"), "{err}");
    std::fs::write(
        dir.join("bad.csv"),
        "path,byte_start,byte_end,spun,suggestion,decision,confidence\n\
         a.txt,0,3,abc,x,,0.5\n\
         a.txt,4,7,def,y,maybe,0.5\n",
    )
    .unwrap();
    let (code, _, err) = run(dir, &["review", "--from-report", "bad.csv", "-o", "r.html"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.csv:3"), "{err}");
    assert!(
        !dir.join("r.html").exists(),
        "nothing written on a bad report"
    );
}
