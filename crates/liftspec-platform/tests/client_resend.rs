//! A terminal's connection sends its unacknowledged frames again on the same connection when no
//! Ack comes for `RESEND_AFTER`: an Ack lost by the platform (a sharded platform's worker killed
//! between its commit and its answer) costs seconds, not the connection.

use liftspec_platform::client::{link, RESEND_AFTER};
use liftspec_platform::fleet::Fleet;
use liftspec_platform::gateway::Relay;
use liftspec_platform::pipeline::Pipeline;
use liftspec_protocol::framing::{frame_for_stream, Deframed, Deframer};
use liftspec_protocol::wire;
use liftspec_sim::config::SimConfig;
use liftspec_sim::stream::Simulation;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[test]
fn frames_whose_ack_was_lost_are_sent_again_on_the_same_connection() {
    let config = SimConfig {
        lifts: 3,
        duration_s: 20,
        seed: 3,
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).unwrap();
    let city = sim.city().clone();
    let fleet = Fleet::of_city(&city);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    // A platform that takes every frame but answers only frames it has seen before: the
    // first Acks are "lost".
    let platform = rt.spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (mut rd, mut wr) = stream.into_split();
        wr.write_all(&[0]).await.unwrap();
        let mut pipeline = Pipeline::new(&fleet, Default::default());
        let mut seen = std::collections::HashSet::new();
        let mut deframer = Deframer::new(1 << 16);
        let mut buf = vec![0u8; 1 << 16];
        let mut again = 0u64;
        loop {
            let n = rd.read(&mut buf).await.unwrap();
            if n == 0 {
                return again;
            }
            for d in deframer.push_slice(&buf[..n]) {
                let Deframed::Frame(f) = d else { continue };
                let at = wire::peek(&f).unwrap().sent_at;
                let taken = pipeline.ingest(&f, at);
                if seen.insert(f.clone()) {
                    continue;
                }
                again += 1;
                for out in pipeline.reply(taken.lift.unwrap(), taken.answers, at) {
                    wr.write_all(&frame_for_stream(&out)).await.unwrap();
                }
            }
        }
    });
    let relays: Vec<Relay> = (0..city.lifts.len())
        .map(|i| Relay::new(city.lifts[i].device.clone(), city.epoch(i), city.keys(i)))
        .collect();
    let (tx, rx) = tokio::sync::mpsc::channel(1024);
    let sending = rt.spawn(link(addr, relays, rx));
    let mut frames = 0u64;
    for f in sim.by_ref() {
        frames += 1;
        tx.blocking_send(f.bytes).unwrap();
    }
    drop(tx);
    let started = std::time::Instant::now();
    let (report, _) = rt.block_on(sending).unwrap().unwrap();
    assert_eq!(report.acknowledged, frames);
    assert_eq!(report.reconnections, 0, "sent again on the same connection");
    assert!(report.resent >= frames, "{report:?}");
    assert!(started.elapsed() >= RESEND_AFTER);
    assert!(rt.block_on(platform).unwrap() >= frames);
}
