use alloc::string::String;
use alloc::vec::Vec;

/// Which sides of the car open at a landing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DoorSides {
    /// A front door serves this landing.
    pub front: bool,
    /// A rear (through-car) door serves this landing.
    pub rear: bool,
}

impl DoorSides {
    /// Front door only, the usual case.
    pub const FRONT: Self = Self {
        front: true,
        rear: false,
    };
    /// Rear door only.
    pub const REAR: Self = Self {
        front: false,
        rear: true,
    };
    /// Both doors.
    pub const BOTH: Self = Self {
        front: true,
        rear: true,
    };

    /// How many landing doors this is (0–2).
    pub const fn count(self) -> u8 {
        self.front as u8 + self.rear as u8
    }
}

/// One landing (stop) of a lift.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Landing {
    /// The floor number the controller reports: negative below ground, no zero required,
    /// skipped numbers (no 4th or 13th floor) simply absent.
    pub floor: i16,
    /// What the car's position indicator shows, e.g. `B2`, `G`, `3A`.
    pub label: String,
    /// Sill level in mm above the lowest landing's sill (the lowest landing is usually 0).
    pub level_mm: i32,
    /// Doors serving this landing.
    pub doors: DoorSides,
}

/// Where a car position in mm falls in a [`FloorTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum CarPosition {
    /// Within the door zone of a landing: `offset_mm` is car sill minus landing sill.
    Landing {
        /// Index of the landing in the table.
        index: u16,
        /// Signed distance from the landing's sill level.
        offset_mm: i32,
    },
    /// Between two landings, outside both door zones.
    BetweenLandings {
        /// Index of the landing below.
        below: u16,
        /// Index of the landing above.
        above: u16,
    },
    /// Below the lowest landing's door zone (in the pit overtravel).
    BelowBottom,
    /// Above the top landing's door zone (in the headroom overtravel).
    AboveTop,
}

/// Why a floor table is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FloorTableError {
    /// Fewer than two landings.
    #[error("floor table needs at least 2 landings, found {found}")]
    TooFewLandings {
        /// How many there were.
        found: usize,
    },
    /// More landings than a `u16` index can address.
    #[error("floor table has {found} landings, at most 1000 are allowed")]
    TooManyLandings {
        /// How many there were.
        found: usize,
    },
    /// Levels are not strictly increasing.
    #[error("landings[{index}]: level {level_mm} mm is not above the previous landing's {previous_mm} mm")]
    LevelsNotIncreasing {
        /// Index of the offending landing.
        index: usize,
        /// Its level.
        level_mm: i32,
        /// The level below it.
        previous_mm: i32,
    },
    /// Floor numbers are not strictly increasing with level.
    #[error(
        "landings[{index}]: floor {floor} is not above the previous landing's floor {previous}"
    )]
    FloorsNotIncreasing {
        /// Index of the offending landing.
        index: usize,
        /// Its floor number.
        floor: i16,
        /// The floor number below it.
        previous: i16,
    },
    /// A landing has no door.
    #[error("landings[{index}]: floor {floor} has no door")]
    NoDoor {
        /// Index of the offending landing.
        index: usize,
        /// Its floor number.
        floor: i16,
    },
}

impl FloorTableError {
    /// A stable, machine-readable code for this error.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooFewLandings { .. } => "floor_table.too_few_landings",
            Self::TooManyLandings { .. } => "floor_table.too_many_landings",
            Self::LevelsNotIncreasing { .. } => "floor_table.levels_not_increasing",
            Self::FloorsNotIncreasing { .. } => "floor_table.floors_not_increasing",
            Self::NoDoor { .. } => "floor_table.no_door",
        }
    }
}

/// The landings of a lift, bottom to top, with sill levels in mm, so that a car position from the
/// encoder maps to a floor.
///
/// ```
/// use liftspec_model::equipment::{CarPosition, DoorSides, FloorTable, Landing};
///
/// let table = FloorTable::new(vec![
///     Landing { floor: -1, label: "B1".into(), level_mm: 0, doors: DoorSides::FRONT },
///     Landing { floor: 1, label: "1".into(), level_mm: 4_200, doors: DoorSides::BOTH },
///     Landing { floor: 2, label: "2".into(), level_mm: 7_500, doors: DoorSides::FRONT },
///     Landing { floor: 5, label: "5".into(), level_mm: 10_800, doors: DoorSides::REAR },
/// ])?;
/// assert_eq!(table.position_of(4_195, 150), CarPosition::Landing { index: 1, offset_mm: -5 });
/// assert_eq!(table.position_of(6_000, 150), CarPosition::BetweenLandings { below: 1, above: 2 });
/// assert_eq!(table.floor_at(10_790, 150), Some(5));
/// assert_eq!(table.door_count(), 5);
/// # Ok::<(), liftspec_model::equipment::FloorTableError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct FloorTable {
    landings: Vec<Landing>,
}

impl FloorTable {
    /// Most landings a table may have.
    pub const MAX_LANDINGS: usize = 1000;

    /// Builds a table from landings listed bottom to top, checking levels and floors strictly
    /// increase and that every landing has a door.
    pub fn new(landings: Vec<Landing>) -> Result<Self, FloorTableError> {
        if landings.len() < 2 {
            return Err(FloorTableError::TooFewLandings {
                found: landings.len(),
            });
        }
        if landings.len() > Self::MAX_LANDINGS {
            return Err(FloorTableError::TooManyLandings {
                found: landings.len(),
            });
        }
        for (index, landing) in landings.iter().enumerate() {
            if landing.doors.count() == 0 {
                return Err(FloorTableError::NoDoor {
                    index,
                    floor: landing.floor,
                });
            }
            if index == 0 {
                continue;
            }
            let previous = &landings[index - 1];
            if landing.level_mm <= previous.level_mm {
                return Err(FloorTableError::LevelsNotIncreasing {
                    index,
                    level_mm: landing.level_mm,
                    previous_mm: previous.level_mm,
                });
            }
            if landing.floor <= previous.floor {
                return Err(FloorTableError::FloorsNotIncreasing {
                    index,
                    floor: landing.floor,
                    previous: previous.floor,
                });
            }
        }
        Ok(Self { landings })
    }

    /// A table of `stops` front-door landings numbered from `lowest_floor` with a constant
    /// `storey_mm`, skipping floor 0 (Chinese buildings go from -1 to 1).
    pub fn uniform(lowest_floor: i16, stops: u16, storey_mm: i32) -> Result<Self, FloorTableError> {
        let mut landings = Vec::with_capacity(usize::from(stops));
        let mut floor = lowest_floor;
        for i in 0..i32::from(stops) {
            if floor == 0 {
                floor = 1;
            }
            landings.push(Landing {
                floor,
                label: if floor < 0 {
                    alloc::format!("B{}", floor.unsigned_abs())
                } else {
                    alloc::format!("{floor}")
                },
                level_mm: i.saturating_mul(storey_mm),
                doors: DoorSides::FRONT,
            });
            floor = floor.saturating_add(1);
        }
        Self::new(landings)
    }

    /// The landings, bottom to top.
    pub fn landings(&self) -> &[Landing] {
        &self.landings
    }

    /// Number of stops (站).
    pub fn stops(&self) -> u16 {
        self.landings.len() as u16
    }

    /// Number of landing doors (门), counting front and rear.
    pub fn door_count(&self) -> u16 {
        self.landings
            .iter()
            .map(|l| u16::from(l.doors.count()))
            .sum()
    }

    /// Lowest floor number served.
    pub fn lowest_floor(&self) -> i16 {
        self.landings[0].floor
    }

    /// Highest floor number served.
    pub fn highest_floor(&self) -> i16 {
        self.landings[self.landings.len() - 1].floor
    }

    /// Total travel in mm from the lowest to the highest sill.
    pub fn travel_mm(&self) -> i32 {
        self.landings[self.landings.len() - 1].level_mm - self.landings[0].level_mm
    }

    /// The landing with this floor number.
    pub fn landing(&self, floor: i16) -> Option<&Landing> {
        self.index_of(floor).map(|i| &self.landings[i])
    }

    /// Index of the landing with this floor number.
    pub fn index_of(&self, floor: i16) -> Option<usize> {
        self.landings.binary_search_by_key(&floor, |l| l.floor).ok()
    }

    /// Whether a floor number is one this lift serves.
    pub fn serves(&self, floor: i16) -> bool {
        self.index_of(floor).is_some()
    }

    /// Maps a car position (sill level, mm) to a landing or the gap between two, given the
    /// half-height of the door zone in mm (typically 150–200; GB/T 7588 allows an unlocking zone of
    /// at most ±200 mm, ±350 mm for simultaneous loading operations). O(log n).
    pub fn position_of(&self, position_mm: i32, door_zone_mm: i32) -> CarPosition {
        let zone = door_zone_mm.max(0);
        let idx = self.landings.partition_point(|l| l.level_mm <= position_mm);
        // Nearest candidates: the landing at or below (idx - 1) and the one above (idx).
        let near = |i: usize| {
            let offset = position_mm.saturating_sub(self.landings[i].level_mm);
            (offset.unsigned_abs() <= zone.unsigned_abs()).then_some(CarPosition::Landing {
                index: i as u16,
                offset_mm: offset,
            })
        };
        let below = idx.checked_sub(1).and_then(near);
        let above = (idx < self.landings.len()).then(|| near(idx)).flatten();
        match (below, above) {
            (Some(b), Some(a)) => {
                // Overlapping zones (very short storeys): the nearer landing wins.
                let dist = |p: &CarPosition| match p {
                    CarPosition::Landing { offset_mm, .. } => offset_mm.unsigned_abs(),
                    _ => u32::MAX,
                };
                if dist(&a) < dist(&b) {
                    a
                } else {
                    b
                }
            }
            (Some(p), None) | (None, Some(p)) => p,
            (None, None) if idx == 0 => CarPosition::BelowBottom,
            (None, None) if idx == self.landings.len() => CarPosition::AboveTop,
            (None, None) => CarPosition::BetweenLandings {
                below: (idx - 1) as u16,
                above: idx as u16,
            },
        }
    }

    /// The floor number whose door zone contains the position, if any.
    pub fn floor_at(&self, position_mm: i32, door_zone_mm: i32) -> Option<i16> {
        match self.position_of(position_mm, door_zone_mm) {
            CarPosition::Landing { index, .. } => Some(self.landings[usize::from(index)].floor),
            _ => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for FloorTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            landings: Vec<Landing>,
        }
        let raw = Raw::deserialize(d)?;
        Self::new(raw.landings).map_err(serde::de::Error::custom)
    }
}
