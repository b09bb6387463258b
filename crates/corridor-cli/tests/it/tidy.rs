//! Architecture rules checked by the test suite rather than by review.

use std::process::Command;

/// The domain crates stay pure: nothing in their dependency closure does I/O, async, SQL or
/// OS randomness.
#[test]
fn domain_crates_depend_on_nothing_that_does_io() {
    let forbidden = [
        "tokio",
        "axum",
        "hyper",
        "sqlx",
        "rusqlite",
        "reqwest",
        "getrandom",
        "libsqlite3-sys",
    ];
    for krate in [
        "corridor-core",
        "corridor-calendar",
        "corridor-ledger",
        "corridor-reference",
        "corridor-monitor",
        "corridor-clearing",
        "corridor-crossings",
        "corridor-simulate",
    ] {
        let output = Command::new(env!("CARGO"))
            .args([
                "tree",
                "--edges",
                "normal",
                "--prefix",
                "none",
                "--package",
                krate,
            ])
            .output()
            .expect("run cargo tree");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let tree = String::from_utf8_lossy(&output.stdout);
        assert!(
            tree.contains(krate),
            "cargo tree printed nothing useful: {tree}"
        );
        for name in forbidden {
            let found = tree
                .lines()
                .any(|line| line.split_whitespace().next() == Some(name));
            assert!(!found, "{krate} depends on {name}:\n{tree}");
        }
    }
}
