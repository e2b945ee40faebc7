//! The PostgreSQL side of the guarantee, against a real server started here: a lease taken
//! again fences every write of the epoch before it, a live worker's partition cannot be taken,
//! and a database of a newer schema is refused.

#[path = "common/services.rs"]
mod services;

use liftspec_cluster::pg::{self, PgError};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_stale_epoch_writes_nothing_and_a_live_owner_keeps_its_partition() {
    if !services::available() {
        return;
    }
    let dir = services::scratch("pg-fencing");
    let server = services::Postgres::start(&dir);
    rt().block_on(async {
        let mut db = pg::connect(&server.url()).await.unwrap();
        pg::heartbeat(&db, "w1", "worker").await.unwrap();
        pg::heartbeat(&db, "w2", "worker").await.unwrap();
        let first = pg::take_lease(&db, "partition", 5, "w1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((first.epoch, first.stream_seq), (1, 0));
        // w1 is alive: w2 cannot take its partition.
        assert_eq!(
            pg::take_lease(&db, "partition", 5, "w2").await.unwrap(),
            None
        );
        pg::commit_partition(&mut db, first, &[], &[], 40, 100)
            .await
            .unwrap();
        // w1 restarted: it takes its partition back in a new epoch, from its position.
        let second = pg::take_lease(&db, "partition", 5, "w1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((second.epoch, second.stream_seq), (2, 40));
        // The old epoch (a zombie of the first life) can neither commit nor release.
        let stale = pg::commit_partition(&mut db, first, &[], &[], 99, 1).await;
        assert!(
            matches!(stale, Err(PgError::Fenced { epoch: 1, .. })),
            "{stale:?}"
        );
        pg::release(&db, "partition", first).await.unwrap();
        assert_eq!(pg::frames_committed(&db).await.unwrap(), 100);
        assert_eq!(
            pg::take_lease(&db, "partition", 5, "w2").await.unwrap(),
            None
        );
        // Released by its owner, it goes to the next taker.
        pg::release(&db, "partition", second).await.unwrap();
        let third = pg::take_lease(&db, "partition", 5, "w2")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((third.epoch, third.stream_seq), (3, 40));
        // Nodes of another role do not share the partitions.
        pg::heartbeat(&db, "rescue-1", "rescue").await.unwrap();
        assert_eq!(pg::live(&db, "worker").await.unwrap(), ["w1", "w2"]);

        db.execute("update liftspec_schema set version = 99", &[])
            .await
            .unwrap();
        let newer = pg::connect(&server.url()).await;
        assert!(
            matches!(newer, Err(PgError::SchemaTooNew { found: 99 })),
            "{:?}",
            newer.err()
        );
    });
}
