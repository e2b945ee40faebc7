//! Hand-written frame sequences for one lift: a profile, typical statuses and a feed that
//! sends bodies at ms offsets and collects the detections.
#![allow(dead_code, unreachable_pub)]

use liftspec_detect::detection::{DetectedKind, Detection};
use liftspec_detect::lift::{LiftDetector, LiftProfile};
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::codes::{DoorStatus, ServiceMode};
use liftspec_model::time::Timestamp;
use liftspec_protocol::message::*;
use liftspec_protocol::wire::{DeviceId, Envelope};

pub const T0: i64 = 1_796_252_400_000;

pub fn profile() -> LiftProfile {
    // 19 landings 3 m apart, 1.75 m/s: full travel 54 m in about 31 s.
    LiftProfile {
        rated_speed_mm_s: 1750,
        bottom_mm: 0,
        top_mm: 54_000,
        escalator: false,
    }
}

pub fn idle() -> Status {
    Status {
        mode: ServiceMode::Normal,
        moving: false,
        direction: Direction::None,
        floor: 1,
        door_zone: true,
        front_door: DoorStatus::Closed,
        rear_door: None,
        occupied: Some(false),
        load_percent: Some(0),
        speed_mm_s: Some(0),
        position_mm: Some(0),
        mains_power: true,
        up_final_limit: false,
        down_final_limit: false,
    }
}

pub fn moving(position: i32, speed: i32) -> Status {
    Status {
        moving: true,
        direction: Direction::Up,
        door_zone: false,
        speed_mm_s: Some(speed),
        position_mm: Some(position),
        load_percent: Some(20),
        occupied: Some(true),
        ..idle()
    }
}

/// Feeds bodies at the given ms offsets (sent and received at the same time) and returns the
/// raised kinds.
pub struct Feed {
    pub detector: LiftDetector,
    pub thresholds: Thresholds,
    pub seq: u64,
    pub found: Vec<Detection>,
}

impl Feed {
    pub fn new() -> Self {
        Self {
            detector: LiftDetector::new(profile()),
            thresholds: Thresholds::default(),
            seq: 0,
            found: Vec::new(),
        }
    }

    pub fn send(&mut self, at_ms: i64, body: Body) -> &mut Self {
        self.seq += 1;
        let env = Envelope {
            device: DeviceId::parse("HZ-TEST").unwrap(),
            epoch: 1,
            seq: self.seq,
            sent_at: Timestamp::from_millis(T0 + at_ms),
            body,
        };
        self.detector.on_envelope(
            &env,
            Timestamp::from_millis(T0 + at_ms),
            &self.thresholds,
            &mut self.found,
        );
        self
    }

    pub fn status(&mut self, at_ms: i64, s: Status) -> &mut Self {
        self.send(at_ms, Body::Status(s))
    }

    pub fn tick(&mut self, at_ms: i64) -> &mut Self {
        self.detector.on_tick(
            Timestamp::from_millis(T0 + at_ms),
            &self.thresholds,
            &mut self.found,
        );
        self
    }

    pub fn raised(&self) -> Vec<DetectedKind> {
        self.found
            .iter()
            .filter(|d| d.raised)
            .map(|d| d.kind)
            .collect()
    }
}

/// A half-monthly maintenance session claimed from `start` to `end` (ms offsets from `T0`).
pub fn session(start: i64, end: i64) -> Box<MaintenanceSession> {
    Box::new(MaintenanceSession {
        session_id: "S1".into(),
        maintenance_unit: "91350100M000100Y43".parse().unwrap(),
        technicians: vec![liftspec_model::id::TechnicianId::parse("T1").unwrap()],
        tier: liftspec_model::catalogue::MaintenanceTier::HalfMonthly,
        items_done: vec![],
        started_at: Timestamp::from_millis(T0 + start),
        ended_at: Timestamp::from_millis(T0 + end),
        confirmation: None,
    })
}
