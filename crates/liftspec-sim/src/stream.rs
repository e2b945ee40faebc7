//! The simulation as a stream: protocol frames of the whole city in time order, produced lift by
//! lift as virtual time advances (nothing sleeps, and no more than the next few seconds of frames
//! are ever held), plus the ground truth of every injected fault.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Write;

use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::FrameMac;
use liftspec_protocol::framing::frame_for_stream;
use liftspec_protocol::message::{Body, Capabilities, MessageKind, Register};
use liftspec_protocol::wire::{self, Envelope};

use crate::city::City;
use crate::config::{ConfigError, SimConfig};
use crate::fault::GroundTruth;
use crate::lift::{Emit, LiftSim};

/// One frame as the terminal sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimFrame {
    /// True (platform) time of sending; the frame's own `sentAt` is the device's clock.
    pub at: Timestamp,
    /// Index of the lift in the city.
    pub lift: u32,
    /// Sequence number.
    pub seq: u64,
    /// Kind.
    pub kind: MessageKind,
    /// The encoded, authenticated frame.
    pub bytes: Vec<u8>,
}

/// A message produced but not yet due.
#[derive(Debug)]
struct Pending {
    due: i64,
    lift: u32,
    sent_at: Timestamp,
    body: Body,
}

/// A running simulation: an iterator of [`SimFrame`]s in time order.
///
/// ```
/// use liftspec_sim::{config::SimConfig, stream::Simulation};
/// let config = SimConfig { lifts: 5, duration_s: 120, ..SimConfig::default() };
/// let mut sim = Simulation::new(config)?;
/// let frames: Vec<_> = sim.by_ref().collect();
/// assert!(frames.windows(2).all(|w| w[0].at <= w[1].at));
/// assert!(frames.iter().all(|f| liftspec_protocol::wire::decode(&f.bytes).is_ok()));
/// # Ok::<(), liftspec_sim::config::ConfigError>(())
/// ```
#[derive(Debug)]
pub struct Simulation {
    config: SimConfig,
    city: City,
    lifts: Vec<LiftSim>,
    /// Lifts by next event time.
    agenda: BinaryHeap<Reverse<(i64, u32)>>,
    /// Messages produced but not yet due, by true time then production order, pointing into
    /// `slots` (the heap moves small keys, not messages).
    pending: BinaryHeap<Reverse<(i64, u64, usize)>>,
    slots: Vec<Option<Pending>>,
    free: Vec<usize>,
    order: u64,
    seqs: Vec<u64>,
    mac_keys: Vec<FrameMac>,
    epochs: Vec<u32>,
    truth: Vec<GroundTruth>,
    end: i64,
    finished: bool,
    frames: u64,
    scratch: Vec<Emit>,
}

impl Simulation {
    /// Generates the city and starts the simulation.
    pub fn new(config: SimConfig) -> Result<Self, ConfigError> {
        let city = City::generate(&config)?;
        Ok(Self::with_city(config, city))
    }

    /// Simulates an already generated city (which must come from the same configuration).
    pub fn with_city(config: SimConfig, city: City) -> Self {
        let lifts: Vec<LiftSim> = (0..city.lifts.len())
            .map(|i| LiftSim::new(&city, &config, i))
            .collect();
        let agenda = lifts
            .iter()
            .map(|l| Reverse((l.next_event(), l.index())))
            .collect();
        let mac_keys = (0..city.lifts.len()).map(|i| city.uplink_mac(i)).collect();
        let epochs = (0..city.lifts.len()).map(|i| city.epoch(i)).collect();
        let end = config.start.millis() + (config.duration_s as i64) * 1000;
        let n = city.lifts.len();
        let mut sim = Self {
            config,
            city,
            lifts,
            agenda,
            pending: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            order: 0,
            seqs: vec![0; n],
            mac_keys,
            epochs,
            truth: Vec::new(),
            end,
            finished: false,
            frames: 0,
            scratch: Vec::new(),
        };
        if sim.config.realism.is_some() {
            // Real terminals register when they connect: their capabilities say whether they
            // send heartbeats and Alarm messages.
            let start = sim.config.start.millis();
            for i in 0..n {
                if let Some(body) = sim.register(i) {
                    let sent_at = sim.lifts[i].device_clock(start);
                    sim.scratch.push(Emit::Message {
                        at: sent_at,
                        true_at: start,
                        body,
                    });
                    Self::collect(&mut sim, i as u32);
                }
            }
        }
        sim
    }

    /// The Register lift `index`'s terminal sends when it connects.
    fn register(&self, index: usize) -> Option<Body> {
        let lift = self.city.lifts.get(index)?;
        let equipment = self.city.equipment(index)?;
        let manufacturer = self.city.manufacturers.get(lift.manufacturer as usize)?;
        let sim = &self.lifts[index];
        let mut kinds = vec![
            MessageKind::Register,
            MessageKind::Status,
            MessageKind::Statistics,
            MessageKind::Event,
            MessageKind::DoorCycle,
            MessageKind::MaintenanceSession,
        ];
        if sim.sends_alarm_messages() {
            kinds.push(MessageKind::Alarm);
        }
        if sim.sends_heartbeats() {
            kinds.push(MessageKind::Heartbeat);
        }
        Some(Body::Register(Box::new(Register {
            lift: lift.registration_code.clone(),
            equipment_code: equipment.equipment_code.clone(),
            kind: lift.kind,
            manufacturer: manufacturer.organisation.credit_code.clone(),
            model: equipment.model.clone(),
            rated_load_kg: lift.rated_load_kg,
            rated_speed_mm_s: lift.rated_speed_mm_s,
            lowest_floor: equipment.floors.lowest_floor(),
            highest_floor: equipment.floors.highest_floor(),
            stops: equipment.floors.stops(),
            firmware: "liftspec-sim".into(),
            public_key: self.city.keys(index).public_key(),
            capabilities: Capabilities {
                kinds: kinds.into_iter().map(MessageKind::byte).collect(),
                load: true,
                speed: true,
                position: true,
                occupancy: sim.has_occupancy_sensor(),
                voice: true,
            },
        })))
    }

    /// The simulated city.
    pub fn city(&self) -> &City {
        &self.city
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Frames produced so far.
    pub fn frames_produced(&self) -> u64 {
        self.frames
    }

    /// Takes the ground truth of the faults that have ended so far (all of them, including those
    /// cut off by the end, once the iterator is exhausted).
    pub fn take_ground_truth(&mut self) -> Vec<GroundTruth> {
        std::mem::take(&mut self.truth)
    }

    /// Whether lift `lift`'s terminal sends heartbeats (the realism may switch them off).
    pub fn sends_heartbeats(&self, lift: usize) -> bool {
        self.lifts.get(lift).is_some_and(LiftSim::sends_heartbeats)
    }

    /// How far lift `lift`'s terminal clock runs ahead of true time, in ms (the ground truth
    /// for clock-drift detection); `None` for an index outside the city.
    pub fn clock_offset_ms(&self, lift: usize) -> Option<i64> {
        self.lifts.get(lift).map(LiftSim::clock_offset_ms)
    }

    /// Approximate heap bytes per lift of the simulation state (lift state, keys, counters).
    pub fn state_bytes_per_lift(&self) -> usize {
        std::mem::size_of::<LiftSim>() + 32 + 8 + 16
    }

    /// Runs lifts until the earliest pending message is due (no lift can produce an earlier one).
    fn fill(&mut self) {
        loop {
            let next_lift = self.agenda.peek().map(|Reverse((t, _))| *t);
            let next_message = self.pending.peek().map(|Reverse((due, _, _))| *due);
            match (next_lift, next_message) {
                (Some(t), m) if t < self.end && m.is_none_or(|m| t <= m) => {
                    let Some(Reverse((_, index))) = self.agenda.pop() else {
                        return;
                    };
                    let lift = &mut self.lifts[index as usize];
                    lift.step(&self.city, &self.config, &mut self.scratch);
                    self.agenda.push(Reverse((lift.next_event(), index)));
                    self.collect(index);
                }
                _ => {
                    if next_lift.is_none_or(|t| t >= self.end) && !self.finished {
                        self.finished = true;
                        for i in 0..self.lifts.len() {
                            self.lifts[i].finish(&mut self.scratch);
                            self.collect(i as u32);
                        }
                    }
                    return;
                }
            }
        }
    }

    fn collect(&mut self, lift: u32) {
        for emit in self.scratch.drain(..) {
            match emit {
                Emit::Message { at, true_at, body } => {
                    if true_at >= self.end {
                        continue;
                    }
                    self.order += 1;
                    let message = Some(Pending {
                        due: true_at,
                        lift,
                        sent_at: at,
                        body,
                    });
                    let slot = match self.free.pop() {
                        Some(slot) => {
                            self.slots[slot] = message;
                            slot
                        }
                        None => {
                            self.slots.push(message);
                            self.slots.len() - 1
                        }
                    };
                    self.pending.push(Reverse((true_at, self.order, slot)));
                }
                Emit::Truth(t) => self.truth.push(t),
            }
        }
    }

    fn encode(&mut self, pending: Pending) -> Option<SimFrame> {
        let true_at = pending.due;
        let index = pending.lift as usize;
        self.seqs[index] += 1;
        let seq = self.seqs[index];
        let kind = pending.body.kind();
        let envelope = Envelope {
            device: self.city.lifts[index].device.clone(),
            epoch: self.epochs[index],
            seq,
            sent_at: pending.sent_at,
            body: pending.body,
        };
        let bytes = if kind.requires_signature() {
            wire::encode(&envelope, &self.city.keys(index))
        } else {
            wire::encode_mac(&envelope, &self.mac_keys[index])
        };
        // Every simulated body is within the frame limits; a failure would be a simulator bug,
        // and is skipped rather than sent malformed.
        let bytes = bytes.ok()?;
        self.frames += 1;
        Some(SimFrame {
            at: Timestamp::from_millis(true_at),
            lift: pending.lift,
            seq,
            kind,
            bytes,
        })
    }
}

impl Iterator for Simulation {
    type Item = SimFrame;

    fn next(&mut self) -> Option<SimFrame> {
        loop {
            self.fill();
            let Reverse((_, _, slot)) = self.pending.pop()?;
            let pending = self.slots.get_mut(slot).and_then(Option::take);
            self.free.push(slot);
            if let Some(frame) = pending.and_then(|p| self.encode(p)) {
                return Some(frame);
            }
        }
    }
}

/// Writes frames to `out` in the protocol's stream framing (a leading 0x00, then each frame
/// COBS-encoded with its CRC and a 0x00 delimiter); returns the bytes written.
pub fn write_stream(
    out: &mut impl Write,
    frames: impl IntoIterator<Item = SimFrame>,
) -> std::io::Result<u64> {
    out.write_all(&[0])?;
    let mut written = 1;
    for frame in frames {
        let block = frame_for_stream(&frame.bytes);
        out.write_all(&block)?;
        written += block.len() as u64;
    }
    Ok(written)
}

/// Writes ground truth as JSON lines.
pub fn write_ground_truth(out: &mut impl Write, truth: &[GroundTruth]) -> std::io::Result<()> {
    for t in truth {
        serde_json::to_writer(&mut *out, t)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
