//! The naive way to detect faults, for comparison: keep each lift's last minute of statuses and
//! re-scan the window on every frame.

use std::collections::VecDeque;

use liftspec_model::codes::{DoorStatus, ServiceMode};
use liftspec_protocol::message::Status;

/// One lift's window.
#[derive(Debug, Default, Clone)]
pub struct NaiveDetector {
    window: VecDeque<(i64, Status)>,
}

/// What the naive detector flags on a frame.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NaiveFlags {
    /// Above 115 % of rated speed somewhere in the window.
    pub overspeed: bool,
    /// Stopped with people behind closed doors for 30 s.
    pub trapped: bool,
    /// Moving with a door open.
    pub door_open_moving: bool,
    /// Stopped outside the door zone.
    pub outside_zone: bool,
}

impl NaiveDetector {
    /// Adds a status at `at` (ms) and re-evaluates every rule over the last 60 s.
    pub fn on_status(&mut self, at: i64, status: &Status, rated: i32) -> NaiveFlags {
        self.window.push_back((at, status.clone()));
        while self.window.front().is_some_and(|(t, _)| at - t > 60_000) {
            self.window.pop_front();
        }
        let mut flags = NaiveFlags::default();
        for (_, s) in &self.window {
            if s.speed_mm_s.is_some_and(|v| v.abs() * 100 > rated * 115) {
                flags.overspeed = true;
            }
            if s.moving && matches!(s.front_door, DoorStatus::Opened | DoorStatus::Opening) {
                flags.door_open_moving = true;
            }
        }
        // Trapped: the newest statuses, back to 30 s ago, all stopped, loaded and shut.
        let mut since = at;
        for (t, s) in self.window.iter().rev() {
            let stuck = !s.moving
                && s.load_percent.unwrap_or(0) > 0
                && s.front_door == DoorStatus::Closed
                && s.mode != ServiceMode::Inspection;
            if !stuck {
                break;
            }
            since = *t;
        }
        flags.trapped = at - since >= 30_000;
        flags.outside_zone = !status.moving && !status.door_zone;
        flags
    }
}
