//! The validation rules of §8.4: sequencing rules and body rules, each at its boundary.

use liftspec_model::time::Timestamp;
use liftspec_protocol::message::*;

use super::sample::{self, valid};
use super::{frame_hex, Group};

struct Rules {
    g: Group,
}

impl Rules {
    /// The value at the limit is accepted, the one past it rejected at `path`.
    fn boundary(&mut self, id: &str, clause: &str, what: &str, ok: Body, bad: Body, path: &str) {
        let seq = if matches!(bad, Body::Discarded(_)) {
            3
        } else {
            1
        };
        self.g.accept(
            &format!("{id}.at_limit"),
            clause,
            &format!("{what}: at the limit, accepted."),
            frame_hex(&valid(seq, &ok)),
        );
        self.g.reject(
            &format!("{id}.past_limit"),
            clause,
            &format!("{what}: one past the limit, rejected at {path}."),
            frame_hex(&valid(seq, &bad)),
            "validate.field",
            Some(path),
        );
    }

    fn reject(&mut self, id: &str, clause: &str, what: &str, body: Body, path: &str) {
        self.g.reject(
            id,
            clause,
            what,
            frame_hex(&valid(1, &body)),
            "validate.field",
            Some(path),
        );
    }
}

fn status(edit: impl FnOnce(&mut Status)) -> Body {
    let mut s = sample::status();
    edit(&mut s);
    Body::Status(s)
}

fn register(edit: impl FnOnce(&mut Register)) -> Body {
    let mut r = sample::register(sample::public_key());
    edit(&mut r);
    Body::Register(Box::new(r))
}

fn session(edit: impl FnOnce(&mut MaintenanceSession)) -> Body {
    let mut m = sample::maintenance_session();
    edit(&mut m);
    Body::MaintenanceSession(Box::new(m))
}

fn door(edit: impl FnOnce(&mut DoorCycle)) -> Body {
    let mut d = sample::door_cycle();
    edit(&mut d);
    Body::DoorCycle(d)
}

fn alarm(stage: AlarmStage, floor: Option<i16>) -> Body {
    Body::Alarm(AlarmMessage {
        alarm_id: 3,
        stage,
        floor,
        at: Timestamp::from_millis(sample::T0),
    })
}

fn heartbeat(battery: Option<u8>) -> Body {
    Body::Heartbeat(Heartbeat {
        uptime_s: 60,
        signal_dbm: -90,
        battery_percent: battery,
        clock_offset_ms: 0,
    })
}

fn comfort(zh: &str, en: &str) -> Body {
    Body::Command(Command {
        idempotency_key: 1,
        action: CommandAction::Comfort {
            text_zh: zh.into(),
            text_en: en.into(),
            speak: false,
        },
    })
}

fn ack(cumulative: u64, selective: Vec<u64>) -> Body {
    Body::Ack(Ack {
        epoch: sample::EPOCH,
        cumulative,
        selective,
    })
}

fn discarded(through_seq: u64, count: u64, reason: DiscardReason) -> Body {
    Body::Discarded(Discarded {
        through_seq,
        count,
        reason,
    })
}

pub(crate) fn rules() -> Group {
    let mut r = Rules {
        g: Group::new(
            "rules",
            "The validation rules of §8.4 at their boundaries, for an installation serving floors \
             −1 to 18 at 1.75 m/s: each rule's limit is accepted and one past it is rejected \
             (validate.field) with the field's path.",
        ),
    };
    const B: &str = "§8.4 body rules";
    const Q: &str = "§8.4 sequencing rules";
    r.boundary(
        "status_floor_top",
        B,
        "Status floor 18 / 19 (highest floor 18)",
        status(|s| s.floor = 18),
        status(|s| s.floor = 19),
        "body.status.floor",
    );
    r.boundary(
        "status_floor_bottom",
        B,
        "Status floor −1 / −2 (lowest floor −1)",
        status(|s| s.floor = -1),
        status(|s| s.floor = -2),
        "body.status.floor",
    );
    r.boundary(
        "status_load",
        B,
        "Status load 250 % / 251 %",
        status(|s| s.load_percent = Some(250)),
        status(|s| s.load_percent = Some(251)),
        "body.status.loadPercent",
    );
    // 3 × rated + 1 m/s = 6,250 mm/s for 1,750 mm/s.
    r.boundary(
        "status_speed_up",
        B,
        "Status speed 6,250 / 6,251 mm/s (3 × rated + 1 m/s)",
        status(|s| s.speed_mm_s = Some(6250)),
        status(|s| s.speed_mm_s = Some(6251)),
        "body.status.speedMmS",
    );
    r.boundary(
        "status_speed_down",
        B,
        "Status speed −6,250 / −6,251 mm/s",
        status(|s| s.speed_mm_s = Some(-6250)),
        status(|s| s.speed_mm_s = Some(-6251)),
        "body.status.speedMmS",
    );
    r.boundary(
        "event_floor",
        B,
        "Event floor 18 / 19",
        Body::Event(EventMessage {
            code: liftspec_model::codes::EventCode::from_number(4),
            state: EventState::Raised,
            floor: Some(18),
            at: Timestamp::from_millis(sample::T0),
        }),
        Body::Event(EventMessage {
            code: liftspec_model::codes::EventCode::from_number(4),
            state: EventState::Raised,
            floor: Some(19),
            at: Timestamp::from_millis(sample::T0),
        }),
        "body.event.floor",
    );
    r.boundary(
        "door_floor",
        B,
        "DoorCycle floor 18 / 19",
        door(|d| d.floor = 18),
        door(|d| d.floor = 19),
        "body.doorCycle.floor",
    );
    r.boundary(
        "door_opening",
        B,
        "DoorCycle opening 60,000 / 60,001 ms",
        door(|d| d.opening_ms = 60_000),
        door(|d| d.opening_ms = 60_001),
        "body.doorCycle.openingMs",
    );
    r.boundary(
        "door_closing",
        B,
        "DoorCycle closing 60,000 / 60,001 ms",
        door(|d| d.closing_ms = 60_000),
        door(|d| d.closing_ms = 60_001),
        "body.doorCycle.closingMs",
    );
    r.boundary(
        "door_load_before",
        B,
        "DoorCycle load before 250 % / 251 %",
        door(|d| d.load_before_percent = Some(250)),
        door(|d| d.load_before_percent = Some(251)),
        "body.doorCycle.loadBeforePercent",
    );
    r.boundary(
        "door_load_after",
        B,
        "DoorCycle load after 250 % / 251 %",
        door(|d| d.load_after_percent = Some(250)),
        door(|d| d.load_after_percent = Some(251)),
        "body.doorCycle.loadAfterPercent",
    );
    r.boundary(
        "alarm_floor",
        B,
        "Alarm floor −1 / −2",
        alarm(AlarmStage::Raised, Some(-1)),
        alarm(AlarmStage::Raised, Some(-2)),
        "body.alarm.floor",
    );
    r.boundary(
        "alarm_attempt",
        B,
        "Alarm emitted attempt 1 / 0 (attempts count from 1)",
        alarm(AlarmStage::Emitted { attempt: 1 }, None),
        alarm(AlarmStage::Emitted { attempt: 0 }, None),
        "body.alarm.stage.emitted.attempt",
    );
    r.boundary(
        "alarm_battery",
        B,
        "Alarm battery 100 % / 101 %",
        alarm(
            AlarmStage::Battery {
                percent: 100,
                healthy: true,
            },
            None,
        ),
        alarm(
            AlarmStage::Battery {
                percent: 101,
                healthy: true,
            },
            None,
        ),
        "body.alarm.stage.battery.percent",
    );
    r.boundary(
        "heartbeat_battery",
        B,
        "Heartbeat battery 100 % / 101 %",
        heartbeat(Some(100)),
        heartbeat(Some(101)),
        "body.heartbeat.batteryPercent",
    );
    r.boundary(
        "register_floors",
        B,
        "Register highest floor 0 above lowest −1 / equal to it",
        register(|r| {
            r.highest_floor = 0;
            r.stops = 2;
        }),
        register(|r| {
            r.highest_floor = -1;
            r.stops = 2;
        }),
        "body.register.highestFloor",
    );
    r.boundary(
        "register_stops_max",
        B,
        "Register 20 / 21 stops on floors −1 to 18",
        register(|r| r.stops = 20),
        register(|r| r.stops = 21),
        "body.register.stops",
    );
    r.boundary(
        "register_stops_min",
        B,
        "Register 2 / 1 stops",
        register(|r| r.stops = 2),
        register(|r| r.stops = 1),
        "body.register.stops",
    );
    r.boundary(
        "register_speed_max",
        B,
        "Register rated speed 20,000 / 20,001 mm/s",
        register(|r| r.rated_speed_mm_s = 20_000),
        register(|r| r.rated_speed_mm_s = 20_001),
        "body.register.ratedSpeedMmS",
    );
    r.boundary(
        "register_speed_min",
        B,
        "Register rated speed 1 / 0 mm/s",
        register(|r| r.rated_speed_mm_s = 1),
        register(|r| r.rated_speed_mm_s = 0),
        "body.register.ratedSpeedMmS",
    );
    r.boundary(
        "register_firmware_long",
        B,
        "Register firmware of 64 / 65 bytes",
        register(|r| r.firmware = "f".repeat(64)),
        register(|r| r.firmware = "f".repeat(65)),
        "body.register.firmware",
    );
    r.boundary(
        "register_firmware_short",
        B,
        "Register firmware of 1 / 0 bytes",
        register(|r| r.firmware = "f".into()),
        register(|r| r.firmware = String::new()),
        "body.register.firmware",
    );
    r.boundary(
        "register_kind_top",
        B,
        "Register capability kind 63 / 64 (device kinds are 1–63; unknown ones allowed)",
        register(|r| r.capabilities.kinds = vec![2, 63]),
        register(|r| r.capabilities.kinds = vec![2, 64]),
        "body.register.capabilities.kinds[1]",
    );
    r.boundary(
        "register_kind_bottom",
        B,
        "Register capability kind 1 / 0",
        register(|r| r.capabilities.kinds = vec![1]),
        register(|r| r.capabilities.kinds = vec![0]),
        "body.register.capabilities.kinds[0]",
    );
    r.reject(
        "register_kind_twice",
        B,
        "Register declaring kind 2 twice: each kind once.",
        register(|r| r.capabilities.kinds = vec![2, 8, 2]),
        "body.register.capabilities.kinds[2]",
    );
    r.boundary(
        "session_id_long",
        B,
        "MaintenanceSession id of 64 / 65 bytes",
        session(|m| m.session_id = "s".repeat(64)),
        session(|m| m.session_id = "s".repeat(65)),
        "body.maintenanceSession.sessionId",
    );
    r.boundary(
        "session_id_short",
        B,
        "MaintenanceSession id of 1 / 0 bytes",
        session(|m| m.session_id = "s".into()),
        session(|m| m.session_id = String::new()),
        "body.maintenanceSession.sessionId",
    );
    r.reject(
        "session_no_technician",
        B,
        "MaintenanceSession with no technician.",
        session(|m| m.technicians.clear()),
        "body.maintenanceSession.technicians",
    );
    r.boundary(
        "session_end",
        B,
        "MaintenanceSession ending at its start / 1 ms before it",
        session(|m| m.ended_at = m.started_at),
        session(|m| m.ended_at = Timestamp::from_millis(m.started_at.millis() - 1)),
        "body.maintenanceSession.endedAt",
    );
    r.reject(
        "session_item_twice",
        B,
        "MaintenanceSession listing its first item again at the end: each item at most once.",
        session(|m| {
            let first = m.items_done[0];
            m.items_done.push(first);
        }),
        &format!(
            "body.maintenanceSession.itemsDone[{}]",
            sample::maintenance_session().items_done.len()
        ),
    );
    r.boundary(
        "session_confirmation",
        B,
        "MaintenanceSession confirmed by the use unit at its end / 1 ms before it (art. 20(6): confirmed work is done work)",
        session(|m| {
            if let Some(c) = &mut m.confirmation {
                c.confirmed_at = m.ended_at;
            }
        }),
        session(|m| {
            if let Some(c) = &mut m.confirmation {
                c.confirmed_at = Timestamp::from_millis(m.ended_at.millis() - 1);
            }
        }),
        "body.maintenanceSession.confirmation.confirmedAt",
    );
    r.boundary(
        "comfort_text",
        B,
        "Comfort command text of 200 / 201 characters (Chinese characters count one each)",
        comfort(&"请".repeat(200), ""),
        comfort(&"请".repeat(201), ""),
        "body.command.action.comfort.textZh",
    );
    r.boundary(
        "comfort_text_en",
        B,
        "Comfort command English text of 200 / 201 characters",
        comfort("", &"a".repeat(200)),
        comfort("", &"a".repeat(201)),
        "body.command.action.comfort.textEn",
    );
    r.reject(
        "comfort_no_text",
        B,
        "Comfort command with neither text.",
        comfort("", ""),
        "body.command.action.comfort",
    );
    // Discarded at seq 3: the range is 3..=throughSeq.
    r.boundary(
        "discarded_range",
        Q,
        "Discarded at seq 3 through 3 / through 2",
        discarded(3, 1, DiscardReason::Dropped),
        discarded(2, 1, DiscardReason::Dropped),
        "body.discarded.throughSeq",
    );
    r.boundary(
        "discarded_count",
        Q,
        "Discarded dropped 3..=5 counting 3 / 4",
        discarded(5, 3, DiscardReason::Dropped),
        discarded(5, 4, DiscardReason::Dropped),
        "body.discarded.count",
    );
    r.boundary(
        "discarded_count_min",
        Q,
        "Discarded dropped counting 1 / 0",
        discarded(5, 1, DiscardReason::Dropped),
        discarded(5, 0, DiscardReason::Dropped),
        "body.discarded.count",
    );
    r.boundary(
        "discarded_not_held",
        Q,
        "Discarded notHeld counting 0 / 1",
        discarded(5, 0, DiscardReason::NotHeld),
        discarded(5, 1, DiscardReason::NotHeld),
        "body.discarded.count",
    );
    r.boundary(
        "discarded_through_max",
        Q,
        "Discarded through 2^53 − 1 / 2^53",
        discarded((1 << 53) - 1, 1, DiscardReason::Dropped),
        discarded(1 << 53, 1, DiscardReason::Dropped),
        "body.discarded.throughSeq",
    );
    r.boundary(
        "ack_selective_order",
        Q,
        "Ack selective [9, 10] / [10, 9] (strictly ascending)",
        ack(7, vec![9, 10]),
        ack(7, vec![10, 9]),
        "body.ack.selective[1]",
    );
    r.boundary(
        "ack_selective_above",
        Q,
        "Ack selective [8] / [7] with cumulative 7 (above it)",
        ack(7, vec![8]),
        ack(7, vec![7]),
        "body.ack.selective[0]",
    );
    r.boundary(
        "ack_selective_twice",
        Q,
        "Ack selective [9, 11] / [9, 9]",
        ack(7, vec![9, 11]),
        ack(7, vec![9, 9]),
        "body.ack.selective[1]",
    );
    r.boundary(
        "ack_selective_count",
        Q,
        "Ack with 1,024 / 1,025 selective numbers",
        ack(0, (2..=1025).collect()),
        ack(0, (2..=1026).collect()),
        "body.ack.selective",
    );
    r.boundary(
        "ack_cumulative_max",
        Q,
        "Ack cumulative 2^53 − 1 / 2^53",
        ack((1 << 53) - 1, vec![]),
        ack(1 << 53, vec![]),
        "body.ack.cumulative",
    );
    r.accept_zero_cumulative();
    r.boundary(
        "nack_seq",
        Q,
        "Nack of seq 1 / 0",
        Body::Nack(Nack {
            epoch: sample::EPOCH,
            seq: 1,
            reason: NackReason::Invalid,
        }),
        Body::Nack(Nack {
            epoch: sample::EPOCH,
            seq: 0,
            reason: NackReason::Invalid,
        }),
        "body.nack.seq",
    );
    r.boundary(
        "resume_from",
        Q,
        "Resume from 1 / 0",
        Body::Resume(Resume {
            epoch: sample::EPOCH,
            from_seq: 1,
        }),
        Body::Resume(Resume {
            epoch: sample::EPOCH,
            from_seq: 0,
        }),
        "body.resume.fromSeq",
    );
    r.g
}

impl Rules {
    fn accept_zero_cumulative(&mut self) {
        self.g.accept(
            "ack_nothing_yet",
            "§8.4 sequencing rules",
            "Ack with cumulative 0 (nothing delivered yet) and selective [2]: 0 is a valid cumulative.",
            frame_hex(&valid(1, &ack(0, vec![2]))),
        );
    }
}
