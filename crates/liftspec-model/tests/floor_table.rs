//! The floor table: validation and mapping car positions to floors.

use liftspec_model::equipment::{CarPosition, DoorSides, FloorTable, FloorTableError, Landing};

fn landing(floor: i16, level_mm: i32, doors: DoorSides) -> Landing {
    Landing {
        floor,
        label: floor.to_string(),
        level_mm,
        doors,
    }
}

/// B2, B1, 1, 2, 3, 5 (no 4th floor), rear door at 1.
fn tower() -> FloorTable {
    FloorTable::new(vec![
        landing(-2, 0, DoorSides::FRONT),
        landing(-1, 3_500, DoorSides::FRONT),
        landing(1, 7_500, DoorSides::BOTH),
        landing(2, 11_000, DoorSides::FRONT),
        landing(3, 14_000, DoorSides::FRONT),
        landing(5, 17_000, DoorSides::REAR),
    ])
    .unwrap()
}

#[test]
fn counts_and_lookup() {
    let t = tower();
    assert_eq!(t.stops(), 6);
    assert_eq!(t.door_count(), 7);
    assert_eq!((t.lowest_floor(), t.highest_floor()), (-2, 5));
    assert_eq!(t.travel_mm(), 17_000);
    assert!(t.serves(5) && !t.serves(4) && !t.serves(0));
    assert_eq!(t.landing(1).unwrap().doors, DoorSides::BOTH);
}

#[test]
fn door_zone_boundaries() {
    let t = tower();
    assert_eq!(
        t.position_of(7_500, 150),
        CarPosition::Landing {
            index: 2,
            offset_mm: 0
        }
    );
    assert_eq!(
        t.position_of(7_650, 150),
        CarPosition::Landing {
            index: 2,
            offset_mm: 150
        }
    );
    assert_eq!(
        t.position_of(7_350, 150),
        CarPosition::Landing {
            index: 2,
            offset_mm: -150
        }
    );
    assert_eq!(
        t.position_of(7_651, 150),
        CarPosition::BetweenLandings { below: 2, above: 3 }
    );
    assert_eq!(
        t.position_of(7_349, 150),
        CarPosition::BetweenLandings { below: 1, above: 2 }
    );
    assert_eq!(
        t.position_of(-150, 150),
        CarPosition::Landing {
            index: 0,
            offset_mm: -150
        }
    );
    assert_eq!(t.position_of(-151, 150), CarPosition::BelowBottom);
    assert_eq!(t.position_of(17_151, 150), CarPosition::AboveTop);
    assert_eq!(t.floor_at(16_900, 150), Some(5));
    assert_eq!(t.floor_at(15_500, 150), None);
    assert_eq!(t.position_of(i32::MIN, 150), CarPosition::BelowBottom);
    assert_eq!(
        t.position_of(i32::MAX, i32::MAX),
        CarPosition::Landing {
            index: 5,
            offset_mm: i32::MAX - 17_000
        }
    );
}

#[test]
fn overlapping_zones_pick_the_nearer_landing() {
    let t = FloorTable::new(vec![
        landing(1, 0, DoorSides::FRONT),
        landing(2, 300, DoorSides::FRONT),
    ])
    .unwrap();
    assert_eq!(
        t.position_of(140, 200),
        CarPosition::Landing {
            index: 0,
            offset_mm: 140
        }
    );
    assert_eq!(
        t.position_of(160, 200),
        CarPosition::Landing {
            index: 1,
            offset_mm: -140
        }
    );
}

#[test]
fn invalid_tables_are_rejected_with_the_landing() {
    assert_eq!(
        FloorTable::new(vec![landing(1, 0, DoorSides::FRONT)]),
        Err(FloorTableError::TooFewLandings { found: 1 })
    );
    assert_eq!(
        FloorTable::new(vec![
            landing(1, 0, DoorSides::FRONT),
            landing(2, 0, DoorSides::FRONT)
        ]),
        Err(FloorTableError::LevelsNotIncreasing {
            index: 1,
            level_mm: 0,
            previous_mm: 0
        })
    );
    assert_eq!(
        FloorTable::new(vec![
            landing(2, 0, DoorSides::FRONT),
            landing(1, 3000, DoorSides::FRONT)
        ]),
        Err(FloorTableError::FloorsNotIncreasing {
            index: 1,
            floor: 1,
            previous: 2
        })
    );
    let none = DoorSides {
        front: false,
        rear: false,
    };
    let e = FloorTable::new(vec![
        landing(1, 0, DoorSides::FRONT),
        landing(2, 3000, none),
    ])
    .unwrap_err();
    assert_eq!(e, FloorTableError::NoDoor { index: 1, floor: 2 });
    assert_eq!(e.code(), "floor_table.no_door");
    let json =
        r#"{"landings":[{"floor":1,"label":"1","levelMm":0,"doors":{"front":true,"rear":false}}]}"#;
    assert!(serde_json::from_str::<FloorTable>(json).is_err());
}

#[test]
fn uniform_skips_floor_zero() {
    let t = FloorTable::uniform(-2, 5, 3_000).unwrap();
    let floors: Vec<i16> = t.landings().iter().map(|l| l.floor).collect();
    assert_eq!(floors, vec![-2, -1, 1, 2, 3]);
    let labels: Vec<&str> = t.landings().iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, vec!["B2", "B1", "1", "2", "3"]);
    assert_eq!(t.floor_at(6_000, 100), Some(1));
}
