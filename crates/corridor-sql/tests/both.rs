//! The same checks on SQLite and, when `CORRIDOR_TEST_DATABASE_URL` is set, on PostgreSQL.
#![allow(clippy::unwrap_used)]

use corridor_sql::testing::Scratch;
use corridor_sql::{Database, Executor, Migration, SqlError, Value};

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "item",
        sqlite: "CREATE TABLE item (id TEXT PRIMARY KEY, n INTEGER NOT NULL, flag INTEGER NOT NULL DEFAULT 0, data BLOB, note TEXT)",
        postgres: "CREATE TABLE item (id TEXT PRIMARY KEY, n BIGINT NOT NULL, flag BIGINT NOT NULL DEFAULT 0, data BYTEA, note TEXT)",
    },
    Migration {
        version: 2,
        name: "item seq",
        sqlite: "CREATE TABLE log (seq INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT NOT NULL); CREATE INDEX item_n ON item (n)",
        postgres: "CREATE TABLE log (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, what TEXT NOT NULL); CREATE INDEX item_n ON item (n)",
    },
];

fn open(scratch: &Scratch) -> Database {
    let mut db = Database::open(&scratch.target, "test").unwrap();
    db.migrate("test", MIGRATIONS).unwrap();
    db
}

#[test]
fn values_round_trip_and_transactions_are_all_or_nothing() {
    for scratch in Scratch::all("values_round_trip").unwrap() {
        let mut db = open(&scratch);
        db.execute(
            "INSERT INTO item (id, n, flag, data, note) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                "a".into(),
                Value::Integer(i64::MAX),
                true.into(),
                Value::Blob(vec![0, 1, 255]),
                Value::Null,
            ],
        )
        .unwrap();
        let row = db
            .query_opt(
                "SELECT id, n, flag, data, note FROM item WHERE id = ?1",
                &["a".into()],
            )
            .unwrap()
            .unwrap();
        assert_eq!(row.text(0).unwrap(), "a", "{:?}", scratch.target);
        assert_eq!(row.i64(1).unwrap(), i64::MAX);
        assert!(row.bool(2).unwrap());
        assert_eq!(row.blob(3).unwrap(), vec![0, 1, 255]);
        assert_eq!(row.opt_text(4).unwrap(), None);
        // A parameter compared with an integer literal and one that may be NULL.
        let rows = db
            .query(
                "SELECT id FROM item WHERE (CAST(?1 AS TEXT) IS NULL OR id = ?1) AND (?2 = 0 OR flag = 1) LIMIT ?3",
                &[Value::Null, Value::Integer(1), Value::Integer(5)],
            )
            .unwrap();
        assert_eq!(rows.len(), 1);

        // A failing transaction leaves nothing behind.
        let failed: Result<(), SqlError> = db.transaction(|tx| {
            tx.execute(
                "INSERT INTO item (id, n) VALUES (?1, ?2)",
                &["b".into(), Value::Integer(1)],
            )?;
            tx.execute(
                "INSERT INTO item (id, n) VALUES (?1, ?2)",
                &["a".into(), Value::Integer(2)],
            )?;
            Ok(())
        });
        assert!(failed.unwrap_err().is_unique_violation());
        let count = db
            .query_opt("SELECT COUNT(*) FROM item", &[])
            .unwrap()
            .unwrap();
        assert_eq!(count.i64(0).unwrap(), 1, "{:?}", scratch.target);

        // Identity columns count up on both.
        db.execute("INSERT INTO log (what) VALUES (?1)", &["x".into()])
            .unwrap();
        db.execute("INSERT INTO log (what) VALUES (?1)", &["y".into()])
            .unwrap();
        let seqs: Vec<i64> = db
            .query("SELECT seq FROM log ORDER BY seq", &[])
            .unwrap()
            .iter()
            .map(|r| r.i64(0).unwrap())
            .collect();
        assert_eq!(seqs, vec![1, 2]);
    }
}

#[test]
fn migrations_apply_once_and_a_newer_database_is_refused() {
    for scratch in Scratch::all("migrations_apply_once").unwrap() {
        let mut db = open(&scratch);
        db.execute("INSERT INTO item (id, n) VALUES ('k', 1)", &[])
            .unwrap();
        drop(db);
        // Reopening applies nothing again and keeps the data.
        let mut db = open(&scratch);
        let count = db
            .query_opt("SELECT COUNT(*) FROM item", &[])
            .unwrap()
            .unwrap();
        assert_eq!(count.i64(0).unwrap(), 1);
        let versions = db
            .query(
                "SELECT version FROM corridor_schema_migration WHERE component = 'test' ORDER BY version",
                &[],
            )
            .unwrap();
        assert_eq!(versions.len(), 2);
        // A program that knows only the first migration refuses the newer tables.
        let error = db.migrate("test", &MIGRATIONS[..1]).unwrap_err();
        assert!(
            error.to_string().contains("newer than this program"),
            "{error}"
        );
        // A gap in the numbering is a programming error, caught before anything runs.
        let gap = [
            MIGRATIONS[0],
            Migration {
                version: 3,
                ..MIGRATIONS[1]
            },
        ];
        assert!(db.migrate("other", &gap).is_err());
    }
}

#[test]
fn both_backends_get_the_same_tables_and_columns() {
    let Some(pg) = Scratch::postgres("both_backends_get_the_same_tables") else {
        return;
    };
    let sqlite = Scratch::sqlite().unwrap();
    let a = open(&sqlite).columns().unwrap();
    let b = open(&pg).columns().unwrap();
    assert_eq!(a, b);
    assert!(a.contains(&("item".to_owned(), "flag".to_owned())));
}

#[test]
fn an_unreachable_postgres_is_an_error_without_the_password() {
    let target = corridor_sql::Target::Postgres {
        url: "postgres://corridor:hunter2@127.0.0.1:1/nothing?connect_timeout=2".to_owned(),
        schema: "corridor".to_owned(),
    };
    let error = Database::open(&target, "test").unwrap_err();
    let text = error.to_string();
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(error.is_retryable(), "{text}");
}

#[test]
fn a_cut_postgres_connection_fails_retryably_once_then_reconnects() {
    let Some(scratch) = Scratch::postgres("a_cut_postgres_connection_reconnects") else {
        return;
    };
    let mut db = open(&scratch);
    db.execute("INSERT INTO item (id, n) VALUES ('k', 1)", &[])
        .unwrap();
    let corridor_sql::Target::Postgres { url, schema } = &scratch.target else {
        unreachable!()
    };
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let cut = admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&format!("corridor test {schema}")],
        )
        .unwrap();
    assert_eq!(cut, 1);
    // Wait until the server has ended that session.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let left: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                &[&format!("corridor test {schema}")],
            )
            .unwrap()
            .get(0);
        if left == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the session lingers");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // The statement that finds the connection gone fails, and says a retry may succeed.
    let mut failures = 0;
    let mut count = None;
    for _ in 0..2 {
        match db.query_opt("SELECT COUNT(*) FROM item", &[]) {
            Ok(row) => count = Some(row.unwrap().i64(0).unwrap()),
            Err(error) => {
                assert!(error.is_retryable(), "{error}");
                failures += 1;
            }
        }
    }
    assert_eq!(failures, 1);
    assert_eq!(count, Some(1));
}
