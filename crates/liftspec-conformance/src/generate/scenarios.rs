//! The stateful scenarios (§8): the runner plays the platform against a terminal under test,
//! and terminals against a platform under test. Every step is written with the answer the text
//! requires, and the reference must give it.

use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::{DeviceCredentials, DeviceKeys};
use liftspec_protocol::downlink::DownlinkSender;
use liftspec_protocol::message::{
    Ack, AlarmMessage, AlarmStage, Body, Command, CommandAction, DiscardReason, Discarded,
    Heartbeat, Nack, NackReason, Resume, Status,
};
use liftspec_protocol::wire::{self, DeviceId, Envelope};
use serde_json::{json, Value};

use super::{sample, Group};
use crate::case::{Expected, Rejection, Request, Step, TerminalKeys};

/// The platform's epoch for its frames to the test device.
pub(crate) const PLATFORM_EPOCH: u32 = 0x0A0C_C0DE;

/// Milliseconds after T0.
fn at(offset_ms: i64) -> Timestamp {
    Timestamp::from_millis(sample::T0 + offset_ms)
}

fn device() -> DeviceId {
    DeviceId::parse(sample::DEVICE).unwrap_or_else(|_| unreachable!("the suite's device id"))
}

fn device_keys() -> DeviceKeys {
    DeviceKeys::from_seed(sample::MAC_KEY, sample::SIGNING_SEED)
        .unwrap_or_else(|_| unreachable!("the suite's keys are distinct and non-zero"))
}

fn platform_credentials() -> DeviceCredentials {
    device_keys().credentials()
}

fn body_json(body: &Body) -> Value {
    serde_json::to_value(body).unwrap_or(Value::Null)
}

/// A status at `floor` (the suite's status otherwise).
fn status(floor: i16) -> Body {
    Body::Status(Status {
        floor,
        ..sample::status()
    })
}

fn alarm(attempt: u16) -> Body {
    Body::Alarm(AlarmMessage {
        alarm_id: 3,
        stage: AlarmStage::Emitted { attempt },
        floor: Some(12),
        at: at(0),
    })
}

fn heartbeat(uptime_s: u32) -> Body {
    Body::Heartbeat(Heartbeat {
        uptime_s,
        signal_dbm: -83,
        battery_percent: Some(97),
        clock_offset_ms: 0,
    })
}

/// What a frame the terminal sends must be: this device, epoch and number, this send time and
/// body (the tag is checked by verifying it).
fn sent(seq: u64, sent_at: Timestamp, body: &Body) -> Value {
    json!({
        "device": sample::DEVICE,
        "epoch": sample::EPOCH,
        "seq": seq,
        "sentAt": sent_at.to_string(),
        "body": body_json(body),
    })
}

/// A Discarded notice the terminal sends for `seq ..= through` (its send time is its own).
fn notice(seq: u64, through: u64, count: u64, reason: DiscardReason) -> Value {
    json!({
        "device": sample::DEVICE,
        "epoch": sample::EPOCH,
        "seq": seq,
        "body": body_json(&Body::Discarded(Discarded { through_seq: through, count, reason })),
    })
}

/// A reply the platform sends: to this device, with this body (its own numbering is its own).
fn reply(body: Body) -> Value {
    json!({ "device": sample::DEVICE, "body": body_json(&body) })
}

fn ack(cumulative: u64, selective: &[u64]) -> Body {
    Body::Ack(Ack {
        epoch: sample::EPOCH,
        cumulative,
        selective: selective.to_vec(),
    })
}

fn reject(code: &str) -> Expected {
    Expected::Reject(Rejection {
        code: code.to_owned(),
        path: None,
    })
}

/// The steps of one scenario being written.
struct Script {
    session: String,
    steps: Vec<Step>,
    /// The runner's own numbering of platform frames to the terminal under test.
    downlink: DownlinkSender,
}

impl Script {
    fn new(session: &str) -> Self {
        Self {
            session: session.to_owned(),
            steps: Vec::new(),
            downlink: DownlinkSender::new(device(), PLATFORM_EPOCH),
        }
    }

    fn step(&mut self, request: Request, expect: Expected) -> &mut Self {
        self.steps.push(Step { request, expect });
        self
    }

    /// Starts the terminal under test with `capacity` non-critical frames.
    fn terminal(session: &str, capacity: u32) -> Self {
        let mut s = Self::new(session);
        s.step(
            Request::TerminalStart {
                session: session.to_owned(),
                device: sample::DEVICE.to_owned(),
                epoch: sample::EPOCH,
                keys: TerminalKeys {
                    mac_key: crate::hex(&sample::MAC_KEY),
                    seed: crate::hex(&sample::SIGNING_SEED),
                },
                capacity,
            },
            Expected::Match(json!({})),
        );
        s
    }

    fn enqueue(&mut self, offset_ms: i64, body: &Body, seq: u64) -> &mut Self {
        let request = Request::TerminalEnqueue {
            session: self.session.clone(),
            at: at(offset_ms),
            body: body_json(body),
        };
        self.step(request, Expected::Match(json!({ "seq": seq })))
    }

    fn poll(&mut self, offset_ms: i64, frames: Vec<Value>) -> &mut Self {
        let request = Request::TerminalPoll {
            session: self.session.clone(),
            at: at(offset_ms),
        };
        self.step(request, Expected::Match(json!({ "frames": frames })))
    }

    /// The runner, as the platform, sends `body` to the terminal under test.
    fn platform_sends(&mut self, offset_ms: i64, body: Body) -> &mut Self {
        let frame = self.downlink_frame(offset_ms, body);
        self.receive(offset_ms, &frame, Expected::Match(json!({})))
    }

    fn downlink_frame(&mut self, offset_ms: i64, body: Body) -> Vec<u8> {
        self.downlink
            .encode(body, at(offset_ms), &platform_credentials())
            .unwrap_or_default()
    }

    fn receive(&mut self, offset_ms: i64, frame: &[u8], expect: Expected) -> &mut Self {
        let request = Request::TerminalReceive {
            session: self.session.clone(),
            at: at(offset_ms),
            frame: crate::hex(frame),
        };
        self.step(request, expect)
    }

    fn reboot(&mut self, offset_ms: i64) -> &mut Self {
        let request = Request::TerminalReboot {
            session: self.session.clone(),
            at: at(offset_ms),
        };
        self.step(request, Expected::Match(json!({})))
    }

    /// Starts the platform under test for the suite's device.
    fn platform(session: &str) -> Self {
        let mut s = Self::new(session);
        s.step(
            Request::PlatformStart {
                session: session.to_owned(),
                device: sample::DEVICE.to_owned(),
                credentials: sample::credentials(),
                installation: sample::INSTALLATION,
                epoch: PLATFORM_EPOCH,
            },
            Expected::Match(json!({})),
        );
        s
    }

    /// The runner, as the terminal, sends `frame` at `offset_ms`; the platform must answer
    /// `expect`.
    fn platform_receives(&mut self, offset_ms: i64, frame: &[u8], expect: Expected) -> &mut Self {
        let request = Request::PlatformReceive {
            session: self.session.clone(),
            at: at(offset_ms),
            frame: crate::hex(frame),
        };
        self.step(request, expect)
    }
}

/// A device frame numbered `seq`, sent at T0 + `offset_ms`, tagged as §4 requires.
fn uplink(seq: u64, offset_ms: i64, body: Body) -> Vec<u8> {
    uplink_from(sample::DEVICE, seq, offset_ms, body)
}

fn uplink_in(epoch: u32, seq: u64, offset_ms: i64, body: Body) -> Vec<u8> {
    encode_uplink(sample::DEVICE, epoch, seq, offset_ms, body)
}

fn uplink_from(device: &str, seq: u64, offset_ms: i64, body: Body) -> Vec<u8> {
    encode_uplink(device, sample::EPOCH, seq, offset_ms, body)
}

fn encode_uplink(device: &str, epoch: u32, seq: u64, offset_ms: i64, body: Body) -> Vec<u8> {
    let envelope = Envelope {
        device: DeviceId::parse(device).unwrap_or_else(|_| unreachable!("a valid id")),
        epoch,
        seq,
        sent_at: at(offset_ms),
        body,
    };
    wire::encode(&envelope, &device_keys()).unwrap_or_default()
}

/// What a platform answers for a frame: its replies (by kind), what its application receives
/// and the numbers it passes over.
fn answered(replies: Vec<Body>, delivered: &[u64], skipped: Vec<Value>) -> Expected {
    let replies: Vec<Value> = replies.into_iter().map(reply).collect();
    Expected::Match(json!({ "replies": replies, "delivered": delivered, "skipped": skipped }))
}

const MINUTE: i64 = 60_000;
/// The longest a device may wait before sending an unacknowledged frame again (§8.3).
const RESEND: i64 = 2 * MINUTE;

/// The terminal scenarios: the runner plays the platform.
pub(crate) fn terminal() -> Group {
    let mut g = Group::new(
        "terminal",
        "Stateful scenarios for a terminal under test (§8.1, §8.3, §8.6): the runner plays the platform, over virtual time.",
    );
    let d83 = "§8.3 device outbox";

    let register = Body::Register(Box::new(sample::register(sample::public_key())));
    let mut s = Script::terminal("registration", 64);
    s.enqueue(0, &register, 1)
        .poll(0, vec![sent(1, at(0), &register)])
        .platform_sends(1000, ack(1, &[]))
        .poll(10 * MINUTE, vec![]);
    g.scenario(
        "registration",
        "§6.1 Register",
        "A registration is numbered 1 in the epoch, signed and MACed (scheme 3), sent at once, and never again once acknowledged.",
        s,
    );

    let mut s = Script::terminal("steady", 64);
    s.enqueue(0, &status(1), 1)
        .enqueue(1000, &status(2), 2)
        .enqueue(2000, &status(3), 3)
        .poll(
            2000,
            vec![
                sent(1, at(0), &status(1)),
                sent(2, at(1000), &status(2)),
                sent(3, at(2000), &status(3)),
            ],
        )
        .platform_sends(2500, ack(3, &[]))
        .poll(10 * MINUTE, vec![]);
    g.scenario(
        "steady_status",
        "§8.1 sequence numbers",
        "Status frames are numbered 1, 2, 3 and sent in number order with their own send times; a cumulative Ack ends them.",
        s,
    );

    let mut s = Script::terminal("withheld", 64);
    s.enqueue(0, &status(4), 1)
        .poll(0, vec![sent(1, at(0), &status(4))])
        .poll(RESEND, vec![sent(1, at(0), &status(4))])
        .poll(2 * RESEND, vec![sent(1, at(0), &status(4))])
        .platform_sends(2 * RESEND + 1000, ack(1, &[]))
        .poll(10 * MINUTE, vec![]);
    g.scenario(
        "retransmits_until_acked",
        d83,
        "With the Ack withheld, the frame is sent again, unchanged, no later than 2 minutes after its last send, until it is acknowledged.",
        s,
    );

    let mut s = Script::terminal("alarm", 64);
    s.enqueue(0, &alarm(1), 1)
        .poll(0, vec![sent(1, at(0), &alarm(1))])
        .poll(RESEND, vec![sent(1, at(0), &alarm(1))])
        .poll(2 * RESEND, vec![sent(1, at(0), &alarm(1))])
        .poll(3 * RESEND, vec![sent(1, at(0), &alarm(1))])
        .platform_sends(3 * RESEND + 1000, ack(1, &[]))
        .poll(60 * MINUTE, vec![]);
    g.scenario(
        "alarm_repeated_until_acknowledged",
        "§6.6 Alarm",
        "An alarm is repeated until the platform acknowledges it (EN 81-28), then never again.",
        s,
    );

    let mut s = Script::terminal("heartbeats", 64);
    s.enqueue(0, &heartbeat(60), 1)
        .poll(0, vec![sent(1, at(0), &heartbeat(60))])
        .platform_sends(500, ack(1, &[]))
        .enqueue(MINUTE, &heartbeat(120), 2)
        .poll(MINUTE, vec![sent(2, at(MINUTE), &heartbeat(120))])
        .platform_sends(MINUTE + 500, ack(2, &[]))
        .poll(10 * MINUTE, vec![]);
    g.scenario(
        "heartbeats",
        "§6.8 Heartbeat",
        "Heartbeats are numbered in the same sequence as every other frame, and each is sent until acknowledged.",
        s,
    );

    let mut s = Script::terminal("nack", 64);
    s.enqueue(0, &status(5), 1)
        .enqueue(0, &status(6), 2)
        .poll(
            0,
            vec![sent(1, at(0), &status(5)), sent(2, at(0), &status(6))],
        )
        .platform_sends(
            1000,
            Body::Nack(Nack {
                epoch: sample::EPOCH,
                seq: 1,
                reason: NackReason::Invalid,
            }),
        )
        .poll(
            RESEND,
            vec![
                notice(1, 1, 1, DiscardReason::Dropped),
                sent(2, at(0), &status(6)),
            ],
        )
        .platform_sends(RESEND + 1000, ack(2, &[]))
        .poll(10 * MINUTE, vec![]);
    g.scenario(
        "nack_tombstone",
        d83,
        "A Nack for a non-critical frame turns it into a Discarded notice (dropped) with its number, sent in its place; the other frames go on.",
        s,
    );

    let mut s = Script::terminal("nack_alarm", 64);
    s.enqueue(0, &alarm(1), 1)
        .poll(0, vec![sent(1, at(0), &alarm(1))])
        .platform_sends(
            1000,
            Body::Nack(Nack {
                epoch: sample::EPOCH,
                seq: 1,
                reason: NackReason::Invalid,
            }),
        )
        .poll(10 * MINUTE, vec![])
        .platform_sends(
            10 * MINUTE + 1000,
            Body::Resume(Resume {
                epoch: sample::EPOCH,
                from_seq: 1,
            }),
        )
        .poll(10 * MINUTE + 1000, vec![sent(1, at(0), &alarm(1))]);
    g.scenario(
        "nack_keeps_critical",
        d83,
        "A Nack for a critical frame never drops it: it is no longer sent on the timer, and is sent again on a Resume.",
        s,
    );

    let mut s = Script::terminal("resume", 64);
    s.enqueue(0, &status(7), 1)
        .enqueue(0, &status(8), 2)
        .enqueue(0, &status(9), 3)
        .poll(
            0,
            vec![
                sent(1, at(0), &status(7)),
                sent(2, at(0), &status(8)),
                sent(3, at(0), &status(9)),
            ],
        )
        .platform_sends(500, ack(1, &[]))
        .platform_sends(
            1000,
            Body::Resume(Resume {
                epoch: sample::EPOCH,
                from_seq: 1,
            }),
        )
        .poll(
            1000,
            vec![
                notice(1, 1, 0, DiscardReason::NotHeld),
                sent(2, at(0), &status(8)),
                sent(3, at(0), &status(9)),
            ],
        );
    g.scenario(
        "resume_from_n",
        d83,
        "A Resume from N is answered at once and in full: every frame held from N on, in order, and a Discarded notice (notHeld) for every number no longer held.",
        s,
    );

    let mut s = Script::terminal("overflow", 4);
    for i in 1..=6u64 {
        s.enqueue(i as i64 * 1000, &status(i as i16), i);
    }
    s.poll(
        6000,
        vec![
            notice(1, 2, 2, DiscardReason::Dropped),
            sent(3, at(3000), &status(3)),
            sent(4, at(4000), &status(4)),
            sent(5, at(5000), &status(5)),
            sent(6, at(6000), &status(6)),
        ],
    )
    .platform_sends(7000, ack(6, &[]))
    .poll(10 * MINUTE, vec![]);
    g.scenario(
        "overflow_discarded_notice",
        d83,
        "A full outbox drops its oldest non-critical frames and says so: one Discarded notice (dropped) for the numbers 1–2, never a silent gap.",
        s,
    );

    let mut s = Script::terminal("overflow_alarm", 2);
    s.enqueue(1000, &alarm(1), 1)
        .enqueue(2000, &status(2), 2)
        .enqueue(3000, &status(3), 3)
        .enqueue(4000, &status(4), 4)
        .poll(
            4000,
            vec![
                sent(1, at(1000), &alarm(1)),
                notice(2, 2, 1, DiscardReason::Dropped),
                sent(3, at(3000), &status(3)),
                sent(4, at(4000), &status(4)),
            ],
        );
    g.scenario(
        "overflow_keeps_alarms",
        d83,
        "A full outbox never drops a critical frame: the alarm stays, and the oldest status gives way to a Discarded notice.",
        s,
    );

    let mut s = Script::terminal("reboot", 64);
    s.enqueue(0, &status(1), 1)
        .enqueue(1000, &alarm(1), 2)
        .reboot(2000)
        .poll(
            3000,
            vec![sent(1, at(0), &status(1)), sent(2, at(1000), &alarm(1))],
        )
        .enqueue(4000, &status(3), 3)
        .poll(4000, vec![sent(3, at(4000), &status(3))]);
    g.scenario(
        "reboot_keeps_numbering",
        "§8.1 sequence numbers",
        "After a power cut, what the outbox accepted is still sent, in the same epoch, and numbering continues where it stopped.",
        s,
    );

    let mut s = Script::terminal("other_epoch", 64);
    s.enqueue(0, &status(1), 1)
        .poll(0, vec![sent(1, at(0), &status(1))])
        .platform_sends(
            1000,
            Body::Ack(Ack {
                epoch: sample::EPOCH ^ 1,
                cumulative: 1,
                selective: vec![],
            }),
        )
        .poll(RESEND, vec![sent(1, at(0), &status(1))]);
    g.scenario(
        "ignores_other_epoch_ack",
        "§8.6 platform → device frames",
        "An Ack for another device epoch is ignored whole: the frame is still sent until its own epoch's Ack.",
        s,
    );

    let mut s = Script::terminal("forged", 64);
    s.enqueue(0, &status(1), 1)
        .poll(0, vec![sent(1, at(0), &status(1))]);
    let mut forged = s.downlink_frame(1000, ack(1, &[]));
    if let Some(last) = forged.last_mut() {
        *last ^= 1;
    }
    s.receive(1000, &forged, reject("auth.bad_tag"))
        .poll(RESEND, vec![sent(1, at(0), &status(1))]);
    g.scenario(
        "refuses_forged_ack",
        "§8.6 platform → device frames",
        "An Ack whose MAC does not verify is refused and changes nothing: the frame is still sent.",
        s,
    );

    let mut s = Script::terminal("replay", 64);
    s.enqueue(0, &status(1), 1).enqueue(0, &status(2), 2).poll(
        0,
        vec![sent(1, at(0), &status(1)), sent(2, at(0), &status(2))],
    );
    let first = s.downlink_frame(500, ack(1, &[]));
    s.receive(500, &first, Expected::Match(json!({})))
        .receive(600, &first, reject("downlink.replayed"))
        .poll(RESEND, vec![sent(2, at(0), &status(2))]);
    g.scenario(
        "refuses_replayed_frame",
        "§8.6 platform → device frames",
        "A platform frame received a second time (a replay) is refused.",
        s,
    );

    let mut s = Script::terminal("command", 64);
    let test_call = |key| {
        Body::Command(Command {
            idempotency_key: key,
            action: CommandAction::TestCall,
        })
    };
    let runs = |key: u64, execute: bool| {
        Expected::Match(json!({ "command": { "idempotencyKey": key, "execute": execute } }))
    };
    let first = s.downlink_frame(0, test_call(77));
    let again = s.downlink_frame(5000, test_call(77));
    let other = s.downlink_frame(6000, test_call(78));
    s.receive(0, &first, runs(77, true))
        .receive(5000, &again, runs(77, false))
        .receive(6000, &other, runs(78, true));
    g.scenario(
        "command_executed_once",
        "§8.6 platform → device frames",
        "A command is carried out once per idempotency key: the platform's retry in a new frame is answered as already done, and a new key is carried out.",
        s,
    );

    let mut s = Script::terminal("reflected", 64);
    s.enqueue(0, &status(1), 1)
        .poll(0, vec![sent(1, at(0), &status(1))])
        .receive(
            500,
            &uplink(1, 0, status(1)),
            reject("downlink.wrong_direction"),
        )
        .poll(RESEND, vec![sent(1, at(0), &status(1))]);
    g.scenario(
        "refuses_reflected_frame",
        "§8.6 platform → device frames",
        "The terminal's own frame reflected back to it is refused: only platform kinds are taken.",
        s,
    );
    g
}

/// The platform scenarios: the runner plays the terminal.
pub(crate) fn platform() -> Group {
    let mut g = Group::new(
        "platform",
        "Stateful scenarios for a platform under test (§8.2): the runner plays the terminal.",
    );
    let d82 = "§8.2 receiver";

    let mut s = Script::platform("in_order");
    s.platform_receives(
        0,
        &uplink(1, 0, status(1)),
        answered(vec![ack(1, &[])], &[1], vec![]),
    )
    .platform_receives(
        1000,
        &uplink(2, 1000, alarm(1)),
        answered(vec![ack(2, &[])], &[2], vec![]),
    );
    g.scenario(
        "acks_in_order",
        d82,
        "Each frame in order is delivered to the application and acknowledged in the device's epoch.",
        s,
    );

    let mut s = Script::platform("duplicate");
    let first = uplink(1, 0, status(1));
    s.platform_receives(0, &first, answered(vec![ack(1, &[])], &[1], vec![]))
        .platform_receives(5000, &first, answered(vec![ack(1, &[])], &[], vec![]));
    g.scenario(
        "duplicate_acked_again",
        d82,
        "A retransmission of a delivered frame is acknowledged again and never delivered twice.",
        s,
    );

    let mut s = Script::platform("gap");
    s.platform_receives(
        0,
        &uplink(1, 0, status(1)),
        answered(vec![ack(1, &[])], &[1], vec![]),
    )
    .platform_receives(
        2000,
        &uplink(3, 2000, status(3)),
        answered(
            vec![
                ack(1, &[3]),
                Body::Resume(Resume {
                    epoch: sample::EPOCH,
                    from_seq: 2,
                }),
            ],
            &[],
            vec![],
        ),
    )
    .platform_receives(
        3000,
        &uplink(2, 1000, status(2)),
        answered(vec![ack(3, &[])], &[2, 3], vec![]),
    );
    g.scenario(
        "gap_resume_and_heal",
        d82,
        "A frame ahead of a gap is held and acknowledged selectively, a Resume asks for the first missing number, and the gap's filling delivers both in order.",
        s,
    );

    let mut s = Script::platform("invalid");
    s.platform_receives(
        0,
        &uplink(1, 0, status(40)),
        answered(
            vec![
                ack(1, &[]),
                Body::Nack(Nack {
                    epoch: sample::EPOCH,
                    seq: 1,
                    reason: NackReason::Invalid,
                }),
            ],
            &[],
            vec![json!({ "fromSeq": 1, "throughSeq": 1, "reason": "rejected" })],
        ),
    )
    .platform_receives(
        1000,
        &uplink(2, 1000, status(2)),
        answered(vec![ack(2, &[])], &[2], vec![]),
    );
    g.scenario(
        "invalid_nacked_and_passed_over",
        "§8.4 validation",
        "A genuine status that breaks a body rule (floor 40 of −1…18) is answered with Nack invalid and its number passed over; the next is delivered.",
        s,
    );

    let mut s = Script::platform("implausible_alarm");
    let wild = Body::Alarm(AlarmMessage {
        alarm_id: 3,
        stage: AlarmStage::Emitted { attempt: 1 },
        floor: Some(40),
        at: at(0),
    });
    s.platform_receives(
        0,
        &uplink(1, 0, wild),
        answered(vec![ack(1, &[])], &[1], vec![]),
    );
    g.scenario(
        "critical_delivered_despite_rules",
        "§8.4 validation",
        "A genuine alarm that breaks a body rule is still delivered (flagged), never rejected for its content.",
        s,
    );

    let mut s = Script::platform("discarded");
    s.platform_receives(
        0,
        &uplink(1, 0, status(1)),
        answered(vec![ack(1, &[])], &[1], vec![]),
    )
    .platform_receives(
        1000,
        &uplink(
            2,
            1000,
            Body::Discarded(Discarded {
                through_seq: 3,
                count: 2,
                reason: DiscardReason::Dropped,
            }),
        ),
        answered(
            vec![ack(3, &[])],
            &[],
            vec![json!({ "fromSeq": 2, "throughSeq": 3, "reason": "dropped" })],
        ),
    )
    .platform_receives(
        2000,
        &uplink(4, 2000, status(4)),
        answered(vec![ack(4, &[])], &[4], vec![]),
    );
    g.scenario(
        "discarded_skips_range",
        d82,
        "A Discarded notice passes over exactly its range, reported with its reason, and numbering goes on after it.",
        s,
    );

    let mut s = Script::platform("new_epoch");
    let restarted = sample::EPOCH ^ 0x00FF_0000;
    s.platform_receives(
        0,
        &uplink(1, 0, status(1)),
        answered(vec![ack(1, &[])], &[1], vec![]),
    )
    .platform_receives(
        1000,
        &uplink_in(restarted, 1, 1000, status(2)),
        answered(
            vec![Body::Ack(Ack {
                epoch: restarted,
                cumulative: 1,
                selective: vec![],
            })],
            &[1],
            vec![],
        ),
    )
    .platform_receives(
        2000,
        &uplink_in(restarted, 2, 2000, status(3)),
        answered(
            vec![Body::Ack(Ack {
                epoch: restarted,
                cumulative: 2,
                selective: vec![],
            })],
            &[2],
            vec![],
        ),
    );
    g.scenario(
        "new_epoch_sequenced_on_its_own",
        "§8.2 receiver",
        "A device that starts a new epoch numbers from 1 again: the new epoch is delivered from 1 and acknowledged in its own epoch.",
        s,
    );

    let mut s = Script::platform("forged");
    let mut forged = uplink(1, 0, status(1));
    if let Some(last) = forged.last_mut() {
        *last ^= 1;
    }
    s.platform_receives(0, &forged, reject("auth.bad_tag"))
        .platform_receives(
            1000,
            &uplink(1, 0, status(1)),
            answered(vec![ack(1, &[])], &[1], vec![]),
        );
    g.scenario(
        "refuses_forged",
        "§8.2 receiver",
        "A frame whose tag does not verify changes nothing and is not answered; the genuine frame is then delivered.",
        s,
    );

    let mut s = Script::platform("reflected");
    let reflected = s.downlink_frame(0, ack(1, &[]));
    s.platform_receives(0, &reflected, reject("session.wrong_direction"));
    g.scenario(
        "refuses_reflected",
        d82,
        "The platform's own frame reflected back to it is refused: only device kinds are taken.",
        s,
    );

    let mut s = Script::platform("other_device");
    s.platform_receives(
        0,
        &uplink_from("HZ-CT-000002", 1, 0, status(1)),
        reject("session.wrong_device"),
    );
    g.scenario(
        "refuses_other_device",
        d82,
        "A frame naming another device is refused.",
        s,
    );
    g
}

impl Group {
    /// A scenario the reference must pass step by step.
    fn scenario(&mut self, id: &str, clause: &str, description: &str, script: Script) {
        let scenario = crate::case::Scenario {
            id: format!("{}.{id}", self.file.group),
            clause: clause.to_owned(),
            description: description.to_owned(),
            steps: script.steps,
        };
        let mut reference = crate::reference::Reference::default();
        let run = crate::scenario::run(&scenario, |_, request| {
            crate::runner::Actual::Answer(reference.answer(request))
        });
        if !run.passed {
            self.problems.push(format!(
                "{}: step {} must answer {:?}, the reference answers {:?}",
                scenario.id,
                run.step + 1,
                run.expected,
                run.actual
            ));
        }
        self.file.scenarios.push(scenario);
    }
}
