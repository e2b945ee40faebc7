//! The terminal object: a reboot between sending and the Ack loses and doubles nothing, and a
//! platform frame is verified before it touches the outbox.

use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::DeviceKeys;
use liftspec_protocol::downlink::DownlinkSender;
use liftspec_protocol::message::{Body, Heartbeat};
use liftspec_protocol::outbox::OutboxConfig;
use liftspec_protocol::session::ReceiverSession;
use liftspec_protocol::terminal::{Applied, Terminal};
use liftspec_protocol::validate::ValidationContext;
use liftspec_protocol::wire::DeviceId;

fn heartbeat(uptime_s: u32) -> Body {
    Body::Heartbeat(Heartbeat {
        uptime_s,
        signal_dbm: -70,
        battery_percent: None,
        clock_offset_ms: 0,
    })
}

#[test]
fn a_reboot_before_the_ack_delivers_every_frame_once_and_the_ack_empties_the_outbox() {
    let keys = DeviceKeys::from_seed([3; 32], [4; 32]).unwrap();
    let credentials = keys.credentials();
    let device = DeviceId::parse("HZ-T-000777").unwrap();
    let now = Timestamp::from_millis(1_795_929_850_000);
    let ctx = ValidationContext::new(1, 20, 1_000, now);
    let mut terminal = Terminal::new(device.clone(), 77, keys.clone(), OutboxConfig::default());
    for s in 1..=3 {
        terminal.enqueue(heartbeat(s), now).unwrap();
    }
    let first = terminal.poll_transmit(now);
    assert_eq!(first.len(), 3);
    let mut session = ReceiverSession::new(64);
    let mut delivered = 0;
    for f in &first[..2] {
        delivered += session
            .receive(f, &device, &credentials, &ctx)
            .unwrap()
            .deliver
            .len();
    }
    // Power cut: only the image survives; the fresh epoch is not used (the counter was kept).
    let image = terminal.image().clone();
    let (mut terminal, report) = Terminal::restore(
        device.clone(),
        keys.clone(),
        OutboxConfig::default(),
        image,
        1,
    );
    assert!(!report.new_epoch);
    let again = terminal.poll_transmit(now);
    assert_eq!(again, first, "the same frames, byte for byte");
    for f in &again {
        delivered += session
            .receive(f, &device, &credentials, &ctx)
            .unwrap()
            .deliver
            .len();
    }
    assert_eq!(delivered, 3, "each frame delivered once");
    let mut platform = DownlinkSender::new(device.clone(), 9);
    let ack = platform
        .encode(Body::Ack(session.ack()), now, &credentials)
        .unwrap();
    // A tampered Ack is refused and changes nothing.
    let mut forged = ack.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let e = terminal.on_platform_frame(&forged, now).unwrap_err();
    assert!(
        e.code().starts_with("downlink.") || e.code().starts_with("auth."),
        "{}",
        e.code()
    );
    assert_eq!(terminal.outbox().len(), 3);
    assert_eq!(
        terminal.on_platform_frame(&ack, now).unwrap(),
        Applied::Acked { removed: 3 }
    );
    assert!(terminal.outbox().is_empty());
    assert!(
        terminal.image().entries.is_empty(),
        "the flash forgot them too"
    );
}
