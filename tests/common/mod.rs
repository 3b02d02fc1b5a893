//! The test harness shared by every integration test: commands that run the real binary
//! hermetically, and loud skips.
//!
//! * **Config isolation.** despin reads the nearest `despin.toml` above the current directory,
//!   so a stray one in the repository or the temp directory would change what every test sees.
//!   Every command built here sets `DESPIN_NO_CONFIG=1` (as ripgrep's harness clears
//!   `RIPGREP_CONFIG_PATH`); a test of config discovery opts back in with [`with_config`].
//! * **Skips.** A test that needs a tool the machine lacks calls [`skip`], which prints why on
//!   stderr; with `DESPIN_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs the tools) a skip
//!   is a failure instead, so CI cannot pass without running it.

// Each test crate uses part of the harness.
#![allow(dead_code)]

use std::ffi::OsStr;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_despin");

/// The environment variable that makes despin ignore `despin.toml` files.
pub const NO_CONFIG_ENV: &str = "DESPIN_NO_CONFIG";

/// The environment variable that turns skips into failures.
pub const REQUIRE_TOOLS_ENV: &str = "DESPIN_REQUIRE_TOOLS";

/// `despin` as a `std::process::Command`, ignoring any `despin.toml` around it.
pub fn command() -> std::process::Command {
    let mut c = std::process::Command::new(BIN);
    c.env(NO_CONFIG_ENV, "1");
    c
}

/// `despin` as an `assert_cmd::Command`, ignoring any `despin.toml` around it.
pub fn despin() -> assert_cmd::Command {
    assert_cmd::Command::from_std(command())
}

/// `despin ARGS` as an `assert_cmd::Command`.
pub fn despin_args<I, S>(args: I) -> assert_cmd::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = despin();
    c.args(args);
    c
}

/// Let `c` discover `despin.toml` again, for tests of the configuration itself.
pub fn with_config(c: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    c.env_remove(NO_CONFIG_ENV)
}

/// Whether this run must not skip (CI sets `DESPIN_REQUIRE_TOOLS=1`).
pub fn tools_required() -> bool {
    std::env::var_os(REQUIRE_TOOLS_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Skip `test` because of `why`: print it loudly, or fail when tools are required.
pub fn skip(test: &str, why: &str) {
    skip_with(tools_required(), test, why)
}

/// [`skip`], with `required` given.
pub fn skip_with(required: bool, test: &str, why: &str) {
    assert!(
        !required,
        "{test} must run here ({REQUIRE_TOOLS_ENV} is set) but cannot: {why}"
    );
    eprintln!("SKIPPED: {test} because {why}");
}

/// The team's shared evaluation data: `$DESPIN_SHARED_DIR`, else the nearest `shared`
/// directory beside the repository or beside one of its parents (`../shared` for a clone at
/// `/work/despin`, `../../shared` for a worktree at `/work/wt/NAME`). Not part of the
/// repository; present on the development machines and in CI.
pub fn shared_dir() -> std::path::PathBuf {
    if let Some(d) = std::env::var_os("DESPIN_SHARED_DIR").filter(|d| !d.is_empty()) {
        return d.into();
    }
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    repo.ancestors()
        .skip(1)
        .map(|a| a.join("shared"))
        .find(|s| s.is_dir())
        .unwrap_or_else(|| repo.join("../shared"))
}

/// Whether the process runs as root (permission tests behave differently).
pub fn is_root() -> bool {
    // `id -u` avoids an unsafe libc call in tests.
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Every file under `root` (recursively), as paths relative to it, sorted: what a run left
/// in an output tree.
pub fn files_under(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Assert that a finished command exited with `code`, showing its stderr if not.
#[track_caller]
pub fn assert_exit(o: &std::process::Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
