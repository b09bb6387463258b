//! Scratch databases for tests: every backend a test should run on.
//!
//! SQLite always; PostgreSQL when `CORRIDOR_TEST_DATABASE_URL` is set (a schema of its own,
//! dropped afterwards). Without the variable, the PostgreSQL half says it is skipped on
//! standard error; with it, an unreachable database fails the test.

use std::io::Write as _;

use crate::Target;

/// A scratch place for one test's tables; removed when dropped.
#[derive(Debug)]
pub struct Scratch {
    /// Where the tables go.
    pub target: Target,
    _dir: Option<tempfile::TempDir>,
}

impl Scratch {
    /// A SQLite file in a fresh directory.
    pub fn sqlite() -> std::io::Result<Scratch> {
        let dir = tempfile::tempdir()?;
        Ok(Scratch {
            target: Target::Sqlite(dir.path().join("scratch.sqlite")),
            _dir: Some(dir),
        })
    }

    /// A fresh schema in the test database, or `None` (saying so) when none is configured.
    pub fn postgres(test: &str) -> Option<Scratch> {
        let url = match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped {test} on PostgreSQL: CORRIDOR_TEST_DATABASE_URL is not set"
                );
                return None;
            }
        };
        let mut bytes = [0_u8; 8];
        // A failure to draw random bytes leaves the name from the clock and process.
        if getrandom::getrandom(&mut bytes).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            bytes = (nanos as u64 ^ u64::from(std::process::id())).to_le_bytes();
        }
        let schema = format!(
            "corridor_test_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        Some(Scratch {
            target: Target::Postgres { url, schema },
            _dir: None,
        })
    }

    /// Every backend this run can test: SQLite, and PostgreSQL when configured.
    pub fn all(test: &str) -> std::io::Result<Vec<Scratch>> {
        let mut all = vec![Scratch::sqlite()?];
        all.extend(Scratch::postgres(test));
        Ok(all)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Target::Postgres { url, schema } = &self.target {
            if let Ok(mut client) = postgres::Client::connect(url, postgres::NoTls) {
                let _ =
                    client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
            }
        }
    }
}
