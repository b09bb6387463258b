//! The service's own tables (tokens, parties, obligations, clearing runs) behave the same on
//! SQLite and on PostgreSQL (when `CORRIDOR_TEST_DATABASE_URL` is set), and both backends get
//! the same tables and columns from the same migrations.
#![allow(clippy::unwrap_used)]

use corridor_sql::testing::Scratch;
use corridor_sql::Database;

use crate::access::Role;
use crate::clearing::{self, ClearingStore, ObligationRecord, PartyRecord, RunInputs};
use crate::tokens::{TokenCache, TokenError, TokenStore};

const PARTIES: &str = include_str!("../../../docs/examples/clearing/parties.csv");
const OBLIGATIONS: &str = include_str!("../../../docs/examples/clearing/obligations.csv");

#[test]
fn tokens_are_created_verified_listed_and_revoked_on_every_backend() {
    for scratch in Scratch::all("tokens_on_every_backend").unwrap() {
        let mut store = TokenStore::open_target(&scratch.target).unwrap();
        let (analyst, analyst_token) = store.create(Role::Analyst, None, None, 100).unwrap();
        let (participant, participant_token) = store
            .create(Role::Participant, Some("B"), Some(200), 101)
            .unwrap();
        assert!(matches!(
            store.create(Role::Participant, None, None, 1),
            Err(TokenError::Invalid(_))
        ));
        let listed = store.list().unwrap();
        assert_eq!(listed, vec![analyst.clone(), participant.clone()]);

        // A second store on the same tables (another server) sees them.
        let other = TokenStore::open_target(&scratch.target).unwrap();
        let cache = TokenCache::start(other).unwrap();
        let principal = cache.verify(&analyst_token, 150).unwrap();
        assert_eq!(principal.role, Role::Analyst);
        let principal = cache.verify(&participant_token, 150).unwrap();
        assert_eq!(principal.party.as_deref(), Some("B"));
        assert!(matches!(
            cache.verify(&participant_token, 200),
            Err(TokenError::Expired)
        ));
        // Change the last character to one it is not, so the forgery always differs.
        let last = if analyst_token.ends_with('0') {
            '1'
        } else {
            '0'
        };
        let forged = format!("{}{last}", &analyst_token[..analyst_token.len() - 1]);
        assert_ne!(forged, analyst_token);
        assert!(matches!(
            cache.verify(&forged, 150),
            Err(TokenError::Unknown)
        ));

        store.revoke(&analyst.id, 160).unwrap();
        store.revoke(&analyst.id, 170).unwrap();
        assert!(matches!(store.revoke("nope", 1), Err(TokenError::Unknown)));
        assert_eq!(store.list().unwrap()[0].revoked_at, Some(160));
        // The other server's cache reads the revocation by itself.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while cache.verify(&analyst_token, 150).is_ok() {
            assert!(std::time::Instant::now() < deadline, "{:?}", scratch.target);
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(matches!(
            cache.verify(&analyst_token, 150),
            Err(TokenError::Revoked)
        ));
    }
}

fn obligation(id: &str, amount: &str) -> ObligationRecord {
    ObligationRecord {
        id: id.to_owned(),
        debtor: "A".to_owned(),
        creditor: "B".to_owned(),
        amount: amount.to_owned(),
        currency: "USD".to_owned(),
        due_date: "2024-05-01".to_owned(),
        hs_code: None,
        reference: Some("INV-1".to_owned()),
        submitted_by: "t".to_owned(),
        run: None,
    }
}

#[test]
fn clearing_tables_keep_parties_obligations_and_runs_on_every_backend() {
    for scratch in Scratch::all("clearing_on_every_backend").unwrap() {
        let mut store = ClearingStore::open_target(&scratch.target).unwrap();
        let party = |id: &str, name: Option<&str>| PartyRecord {
            id: id.to_owned(),
            country: "IRN".to_owned(),
            kind: "bank".to_owned(),
            name: name.map(str::to_owned),
        };
        store
            .put_parties(&[party("B", None), party("A", Some("a"))])
            .unwrap();
        store.put_parties(&[party("A", Some("renamed"))]).unwrap();
        let parties = store.parties().unwrap();
        assert_eq!(parties, vec![party("A", Some("renamed")), party("B", None)]);

        assert_eq!(
            store
                .submit_obligations(&[obligation("o1", "10.00"), obligation("o2", "5.00")])
                .unwrap(),
            Ok((2, 0))
        );
        // Again: already there. With a changed amount: refused, and nothing of the batch kept.
        assert_eq!(
            store
                .submit_obligations(&[obligation("o1", "10.00")])
                .unwrap(),
            Ok((0, 1))
        );
        assert_eq!(
            store
                .submit_obligations(&[obligation("o3", "1.00"), obligation("o2", "6.00")])
                .unwrap(),
            Err("o2".to_owned())
        );
        let open = store.obligations(None, true).unwrap();
        assert_eq!(
            open.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
            ["o1", "o2"]
        );
        assert!(store.obligations(Some("C"), false).unwrap().is_empty());
        assert_eq!(store.obligations(Some("B"), false).unwrap().len(), 2);

        // A run of the example cycle, kept once; the same inputs find it again.
        let inputs = RunInputs {
            method: Some("setoff".to_owned()),
            obligations: Some(OBLIGATIONS.to_owned()),
            parties: Some(PARTIES.to_owned()),
            ..RunInputs::default()
        };
        let first = clearing::submit_run(&mut store, inputs.clone(), "2026-01-01T00:00:00Z".into())
            .unwrap();
        assert!(first.created);
        let again =
            clearing::submit_run(&mut store, inputs, "2026-01-02T00:00:00Z".into()).unwrap();
        assert!(!again.created);
        assert_eq!(again.summary.id, first.summary.id);
        let runs = store.runs(10).unwrap();
        assert_eq!(runs.len(), 1);
        assert!(!runs[0].posted);
        let report = store.report(&first.summary.id).unwrap().unwrap();
        assert!(report.starts_with('{'), "{report}");
        assert!(store.report("run-none").unwrap().is_none());
        // Rebuilding its plan checks it against the recorded one.
        let plan = clearing::plan_of(&mut store, &first.summary.id).unwrap();
        assert!(!plan.transfers.is_empty());
    }
}

#[test]
fn both_backends_get_the_same_tables_and_columns() {
    let Some(pg) = Scratch::postgres("service tables: same columns") else {
        return;
    };
    let sqlite = Scratch::sqlite().unwrap();
    let mut columns = Vec::new();
    for scratch in [&sqlite, &pg] {
        drop(TokenStore::open_target(&scratch.target).unwrap());
        drop(ClearingStore::open_target(&scratch.target).unwrap());
        columns.push(
            Database::open(&scratch.target, "test")
                .unwrap()
                .columns()
                .unwrap(),
        );
    }
    assert_eq!(columns[0], columns[1]);
    for table in [
        "token",
        "party",
        "run",
        "obligation",
        "corridor_schema_migration",
    ] {
        assert!(columns[0].iter().any(|(t, _)| t == table), "{table}");
    }
}
