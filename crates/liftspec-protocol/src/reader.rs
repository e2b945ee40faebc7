//! The frame decoder: a hand-written reader of the postcard subset in `docs/protocol.md` §3 that
//! enforces the canonical encoding as it reads (shortest varints, 0/1 booleans and option tags,
//! canonical identifier text), so a decoded frame needs no second pass. It is checked against
//! serde + postcard + re-serialisation, the reference, by a differential property test.

use alloc::string::String;
use alloc::vec::Vec;

use liftspec_model::catalogue::{MaintenanceItemId, MaintenanceTier};
use liftspec_model::codes::{DoorStatus, EventCode, ServiceMode};
use liftspec_model::equipment::EquipmentKind;
use liftspec_model::id::{CreditCode, EquipmentCode, RegistrationCode, TechnicianId};
use liftspec_model::record::UseUnitConfirmation;
use liftspec_model::time::Timestamp;

use crate::message::*;
use crate::wire::{DecodeError, DeviceId};

/// Where a failure is reported: the header or a kind's body.
#[derive(Clone, Copy)]
pub(crate) enum Part {
    Header,
    Body(MessageKind),
}

/// Reads values from `bytes`, which start at frame offset `base`.
///
/// Reads return a zero-sized [`Stop`] on failure and keep the details in the reader, so the hot
/// path moves small results; [`Reader::error`] turns them into a [`DecodeError`].
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
    part: Part,
    /// Frame offset where the current part began.
    part_start: usize,
    failure: Option<(usize, Why)>,
}

/// A read failed; the reader knows why.
#[derive(Debug)]
pub(crate) struct Stop;

/// Why a read failed.
enum Why {
    End,
    Bool,
    TooLarge,
    NonCanonical,
    OptionTag,
    Length,
    Utf8,
    Variant,
    Id(String),
}

type Result<T> = core::result::Result<T, Stop>;

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: usize, part: Part) -> Self {
        Self {
            bytes,
            pos: 0,
            base,
            part,
            part_start: base,
            failure: None,
        }
    }

    /// Continues with the next part (the body after the header) from the current position.
    pub(crate) fn begin(&mut self, part: Part) {
        self.part = part;
        self.part_start = self.offset();
    }

    /// The error for the failure that stopped reading.
    pub(crate) fn error(&self) -> DecodeError {
        let Some((at, why)) = &self.failure else {
            return self.describe(0, "unknown failure");
        };
        match why {
            Why::End => self.describe(*at, "unexpected end"),
            Why::Bool => self.describe(*at, "a bool must be 0 or 1"),
            Why::TooLarge => self.describe(*at, "varint too large for its type"),
            Why::NonCanonical => DecodeError::NonCanonical {
                offset: self.base + at,
            },
            Why::OptionTag => self.describe(*at, "an option tag must be 0 or 1"),
            Why::Length => self.describe(*at, "length runs past the end"),
            Why::Utf8 => self.describe(*at, "invalid UTF-8"),
            Why::Variant => self.describe(*at, "unknown enum variant"),
            Why::Id(reason) => self.describe(*at, reason),
        }
    }

    #[cold]
    fn stop(&mut self, at: usize, why: Why) -> Stop {
        self.failure = Some((at, why));
        Stop
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// Frame offset of the next byte.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn describe(&self, at: usize, reason: &str) -> DecodeError {
        let reason = alloc::format!("byte {}: {reason}", self.base + at);
        match self.part {
            Part::Header => DecodeError::Header { reason },
            Part::Body(kind) => DecodeError::Body {
                kind,
                offset: self.part_start,
                reason,
            },
        }
    }

    #[inline(always)]
    fn byte(&mut self) -> Result<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.stop(self.pos, Why::End)),
        }
    }

    #[inline]
    pub(crate) fn u8(&mut self) -> Result<u8> {
        self.byte()
    }

    #[inline(always)]
    pub(crate) fn bool(&mut self) -> Result<bool> {
        let at = self.pos;
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.stop(at, Why::Bool)),
        }
    }

    /// An unsigned LEB128 varint of at most `bits` bits, in its shortest form.
    #[inline(always)]
    fn varint(&mut self, bits: u32) -> Result<u64> {
        // Most values on the wire fit one byte.
        if let Some(&b) = self.bytes.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.varint_long(bits)
    }

    #[inline(never)]
    fn varint_long(&mut self, bits: u32) -> Result<u64> {
        let at = self.pos;
        let mut value = 0u64;
        let mut shift = 0u32;
        for (i, &b) in self.bytes[at..].iter().enumerate() {
            if shift >= bits || (shift + 7 > bits && u32::from(b & 0x7F) >> (bits - shift) != 0) {
                return Err(self.stop(at, Why::TooLarge));
            }
            value |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                // A last byte of 0 after others is an over-long form.
                if b == 0 && i > 0 {
                    return Err(self.stop(at, Why::NonCanonical));
                }
                self.pos = at + i + 1;
                return Ok(value);
            }
            shift += 7;
        }
        Err(self.stop(self.bytes.len(), Why::End))
    }

    #[inline(always)]
    pub(crate) fn u16(&mut self) -> Result<u16> {
        // 16 bits fit, so the conversion cannot fail.
        self.varint(16).map(|v| v as u16)
    }

    #[inline(always)]
    pub(crate) fn u32(&mut self) -> Result<u32> {
        self.varint(32).map(|v| v as u32)
    }

    #[inline(always)]
    pub(crate) fn u64(&mut self) -> Result<u64> {
        self.varint(64)
    }

    #[inline]
    fn zigzag(v: u64) -> i64 {
        (v >> 1) as i64 ^ -((v & 1) as i64)
    }

    #[inline(always)]
    pub(crate) fn i16(&mut self) -> Result<i16> {
        self.varint(16).map(|v| Self::zigzag(v) as i16)
    }

    #[inline(always)]
    pub(crate) fn i32(&mut self) -> Result<i32> {
        self.varint(32).map(|v| Self::zigzag(v) as i32)
    }

    #[inline(always)]
    pub(crate) fn i64(&mut self) -> Result<i64> {
        self.varint(64).map(Self::zigzag)
    }

    #[inline]
    pub(crate) fn timestamp(&mut self) -> Result<Timestamp> {
        self.i64().map(Timestamp::from_millis)
    }

    #[inline(always)]
    pub(crate) fn option<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<Option<T>> {
        let at = self.pos;
        match self.byte()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            _ => Err(self.stop(at, Why::OptionTag)),
        }
    }

    /// A length or count, bounded by the bytes left (each element takes at least one byte).
    #[inline]
    fn len(&mut self) -> Result<usize> {
        let at = self.pos;
        let n = self.varint(64)?;
        match usize::try_from(n) {
            Ok(n) if n <= self.remaining() => Ok(n),
            _ => Err(self.stop(at, Why::Length)),
        }
    }

    #[inline]
    pub(crate) fn str(&mut self) -> Result<&'a str> {
        let n = self.len()?;
        let at = self.pos;
        let bytes = &self.bytes[at..at + n];
        self.pos += n;
        core::str::from_utf8(bytes).map_err(|_| self.stop(at, Why::Utf8))
    }

    pub(crate) fn string(&mut self) -> Result<String> {
        self.str().map(String::from)
    }

    pub(crate) fn list<T>(
        &mut self,
        mut read: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<Vec<T>> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(read(self)?);
        }
        Ok(out)
    }

    pub(crate) fn bytes32(&mut self) -> Result<[u8; 32]> {
        let at = self.pos;
        let Some(slice) = self.bytes.get(at..at + 32) else {
            return Err(self.stop(at, Why::End));
        };
        let mut out = [0u8; 32];
        out.copy_from_slice(slice);
        self.pos += 32;
        Ok(out)
    }

    /// An enum's variant index, below `count`.
    #[inline]
    pub(crate) fn variant(&mut self, count: u32) -> Result<u32> {
        let at = self.pos;
        let v = self.u32()?;
        if v < count {
            Ok(v)
        } else {
            Err(self.stop(at, Why::Variant))
        }
    }

    /// Text that must parse as an identifier.
    fn id<T, E: core::fmt::Display>(
        &mut self,
        parse: impl FnOnce(&str) -> core::result::Result<T, E>,
    ) -> Result<T> {
        let at = self.pos;
        let text = self.str()?;
        parse(text).map_err(|e| self.stop(at, Why::Id(alloc::format!("{e}"))))
    }

    /// The header: device id, epoch, sequence number, send time.
    pub(crate) fn header(&mut self) -> Result<(DeviceId, u32, u64, Timestamp)> {
        Ok((
            self.id(DeviceId::parse)?,
            self.u32()?,
            self.u64()?,
            self.timestamp()?,
        ))
    }

    fn maintenance_item(&mut self) -> Result<MaintenanceItemId> {
        let at = self.pos;
        let item = self.id(MaintenanceItemId::parse)?;
        // The parser accepts "A1-5"; the canonical text is the two-digit "A1-05", 5 characters.
        if self.pos - at != 6 {
            return Err(self.stop(at, Why::NonCanonical));
        }
        Ok(item)
    }
}

/// Decodes the body of `kind` from `r`.
pub(crate) fn body(kind: MessageKind, r: &mut Reader<'_>) -> Result<Body> {
    Ok(match kind {
        MessageKind::Register => Body::Register(alloc::boxed::Box::new(register(r)?)),
        MessageKind::Status => Body::Status(status(r)?),
        MessageKind::Statistics => Body::Statistics(Statistics {
            running_seconds: r.u64()?,
            run_count: r.u64()?,
            door_cycles: r.u64()?,
            energy_wh: r.option(Reader::u64)?,
        }),
        MessageKind::Event => Body::Event(EventMessage {
            code: EventCode::from_number(r.u16()?),
            state: match r.variant(3)? {
                0 => EventState::Raised,
                1 => EventState::Cleared,
                _ => EventState::Occurred,
            },
            floor: r.option(Reader::i16)?,
            at: r.timestamp()?,
        }),
        MessageKind::DoorCycle => Body::DoorCycle(DoorCycle {
            floor: r.i16()?,
            door: match r.variant(2)? {
                0 => DoorSide::Front,
                _ => DoorSide::Rear,
            },
            opening_ms: r.u32()?,
            open_ms: r.u32()?,
            closing_ms: r.u32()?,
            reopens_photocell: r.u8()?,
            reopens_button: r.u8()?,
            load_before_percent: r.option(Reader::u8)?,
            load_after_percent: r.option(Reader::u8)?,
            started_at: r.timestamp()?,
        }),
        MessageKind::Alarm => Body::Alarm(AlarmMessage {
            alarm_id: r.u32()?,
            stage: alarm_stage(r)?,
            floor: r.option(Reader::i16)?,
            at: r.timestamp()?,
        }),
        MessageKind::MaintenanceSession => {
            Body::MaintenanceSession(alloc::boxed::Box::new(maintenance_session(r)?))
        }
        MessageKind::Heartbeat => Body::Heartbeat(Heartbeat {
            uptime_s: r.u32()?,
            signal_dbm: r.i16()?,
            battery_percent: r.option(Reader::u8)?,
            clock_offset_ms: r.i32()?,
        }),
        MessageKind::Discarded => Body::Discarded(Discarded {
            through_seq: r.u64()?,
            count: r.u64()?,
            reason: match r.variant(2)? {
                0 => DiscardReason::Dropped,
                _ => DiscardReason::NotHeld,
            },
        }),
        MessageKind::Ack => Body::Ack(Ack {
            epoch: r.u32()?,
            cumulative: r.u64()?,
            selective: r.list(Reader::u64)?,
        }),
        MessageKind::Nack => Body::Nack(Nack {
            epoch: r.u32()?,
            seq: r.u64()?,
            reason: match r.variant(6)? {
                0 => NackReason::BadAuthentication,
                1 => NackReason::Invalid,
                2 => NackReason::UnsupportedVersion,
                3 => NackReason::UnsupportedKind,
                4 => NackReason::UnknownDevice,
                _ => NackReason::ClockSkew,
            },
        }),
        MessageKind::Resume => Body::Resume(Resume {
            epoch: r.u32()?,
            from_seq: r.u64()?,
        }),
        MessageKind::Command => Body::Command(Command {
            idempotency_key: r.u64()?,
            action: match r.variant(4)? {
                0 => CommandAction::TestCall,
                1 => CommandAction::AlarmReset { alarm_id: r.u32()? },
                2 => CommandAction::Comfort {
                    text_zh: r.string()?,
                    text_en: r.string()?,
                    speak: r.bool()?,
                },
                _ => CommandAction::TimeSync {
                    platform_time: r.timestamp()?,
                },
            },
        }),
    })
}

fn register(r: &mut Reader<'_>) -> Result<Register> {
    Ok(Register {
        lift: r.id(RegistrationCode::parse)?,
        equipment_code: r.option(|r| r.id(EquipmentCode::parse))?,
        kind: EquipmentKind::ALL[r.variant(EquipmentKind::ALL.len() as u32)? as usize],
        manufacturer: r.id(CreditCode::parse)?,
        model: r.string()?,
        rated_load_kg: r.option(Reader::u32)?,
        rated_speed_mm_s: r.u32()?,
        lowest_floor: r.i16()?,
        highest_floor: r.i16()?,
        stops: r.u16()?,
        firmware: r.string()?,
        public_key: r.bytes32()?,
        capabilities: Capabilities {
            kinds: r.list(Reader::u8)?,
            load: r.bool()?,
            speed: r.bool()?,
            position: r.bool()?,
            occupancy: r.bool()?,
            voice: r.bool()?,
        },
    })
}

fn status(r: &mut Reader<'_>) -> Result<Status> {
    Ok(Status {
        mode: ServiceMode::from_code(r.u8()?),
        moving: r.bool()?,
        direction: match r.variant(3)? {
            0 => Direction::None,
            1 => Direction::Up,
            _ => Direction::Down,
        },
        floor: r.i16()?,
        door_zone: r.bool()?,
        front_door: DoorStatus::from_code(r.u16()?),
        rear_door: r.option(|r| r.u16().map(DoorStatus::from_code))?,
        occupied: r.option(Reader::bool)?,
        load_percent: r.option(Reader::u8)?,
        speed_mm_s: r.option(Reader::i32)?,
        position_mm: r.option(Reader::i32)?,
        mains_power: r.bool()?,
        up_final_limit: r.bool()?,
        down_final_limit: r.bool()?,
    })
}

fn alarm_stage(r: &mut Reader<'_>) -> Result<AlarmStage> {
    Ok(match r.variant(8)? {
        0 => AlarmStage::Raised,
        1 => AlarmStage::Filtered(match r.variant(2)? {
            0 => FilterReason::DoorOpenAtLanding,
            _ => FilterReason::RunningNormally,
        }),
        2 => AlarmStage::Emitted { attempt: r.u16()? },
        3 => AlarmStage::Acknowledged,
        4 => AlarmStage::VoiceConnected,
        5 => AlarmStage::Ended,
        6 => AlarmStage::TestCall { ok: r.bool()? },
        _ => AlarmStage::Battery {
            percent: r.u8()?,
            healthy: r.bool()?,
        },
    })
}

fn maintenance_session(r: &mut Reader<'_>) -> Result<MaintenanceSession> {
    Ok(MaintenanceSession {
        session_id: r.string()?,
        maintenance_unit: r.id(CreditCode::parse)?,
        technicians: r.list(|r| r.id(TechnicianId::parse))?,
        tier: MaintenanceTier::ALL[r.variant(MaintenanceTier::ALL.len() as u32)? as usize],
        items_done: r.list(Reader::maintenance_item)?,
        started_at: r.timestamp()?,
        ended_at: r.timestamp()?,
        confirmation: r.option(|r| {
            Ok(UseUnitConfirmation {
                confirmed_by: r.string()?,
                confirmed_at: r.timestamp()?,
            })
        })?,
    })
}
