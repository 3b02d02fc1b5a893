//! A damaged compiled dictionary is refused with a message naming the file (exit 2), never a
//! panic (exit 101): every single-byte change and every truncation of a small one.

mod common;

const SOURCE: &str = "spun,original,prior,kind,context\n\
final yr,last year,0.97,fingerprint,\n\
center east,Middle East,0.9,fingerprint,\n\
mentioned,said,0.6,swap,next=that\n\
individuals,people,0.6,swap,\n";
const TEXT: &str = "Talks in the Center East stalled final yr, individuals mentioned that.\n";

fn despin(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::despin()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Build the dictionary with `despin dict build`, as a user would.
fn build(dir: &std::path::Path) -> Vec<u8> {
    std::fs::write(dir.join("d.csv"), SOURCE).unwrap();
    let out = despin(dir, &["dict", "build", "d.csv", "-o", "d.fst"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    std::fs::read(dir.join("d.fst")).unwrap()
}

#[test]
fn every_damaged_byte_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = build(dir.path());
    std::fs::write(dir.path().join("t.txt"), TEXT).unwrap();
    let scan = |name: &str| {
        despin(
            dir.path(),
            &[
                "scan",
                "--no-config",
                "--no-default-dict",
                "--dict",
                name,
                "t.txt",
            ],
        )
    };

    // The intact file works: findings, exit 1.
    let out = scan("d.fst");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("last year"));

    let damaged = dir.path().join("damaged.fst");
    let mut checked = 0;
    let mut run = |bytes: &[u8], what: &str| {
        std::fs::write(&damaged, bytes).unwrap();
        let out = scan("damaged.fst");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(
            err.contains("damaged.fst"),
            "{what}: message names no file: {err}"
        );
        checked += 1;
    };
    for i in 0..good.len() {
        let mut bytes = good.clone();
        bytes[i] ^= 0x5a;
        run(&bytes, &format!("byte {i} flipped"));
    }
    for cut in (0..good.len()).step_by(7) {
        run(&good[..cut], &format!("truncated to {cut} bytes"));
    }
    assert!(checked > good.len());
}

#[test]
fn checksum_damage_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = build(dir.path());
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(dir.path().join("bad.fst"), &bytes).unwrap();
    std::fs::write(dir.path().join("t.txt"), TEXT).unwrap();
    let out = despin(
        dir.path(),
        &["scan", "--no-config", "--dict", "bad.fst", "t.txt"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.fst") && err.contains("checksum mismatch") && err.contains("dict build"),
        "{err}"
    );
}
