//! Whether people are in the car, from the load cell and the occupancy sensor together, with
//! deadbands as data ([`crate::thresholds::SOURCE_OCCUPANCY`]): a load cell that reads a few per
//! cent on an empty car is not a passenger.

use crate::thresholds::Thresholds;

/// People in the car:
/// - the occupancy sensor says someone: yes;
/// - it says nobody: only if the load exceeds `load_over_sensor_percent` (the sensor has
///   failed rather than the load cell drifted that far);
/// - no sensor: if the load exceeds `empty_load_percent`;
/// - neither reported: no (nothing was seen; other evidence, an alarm or the controller's code,
///   must say so).
///
/// ```
/// use liftspec_detect::{occupancy::people, thresholds::Thresholds};
/// let th = Thresholds::default();
/// assert!(!people(Some(false), Some(6), &th)); // a load cell offset on an empty car
/// assert!(people(Some(true), Some(3), &th));
/// assert!(!people(None, Some(8), &th) && people(None, Some(9), &th));
/// assert!(!people(None, None, &th));
/// ```
pub fn people(occupied: Option<bool>, load_percent: Option<u8>, th: &Thresholds) -> bool {
    match (occupied, load_percent) {
        (Some(true), _) => true,
        (Some(false), Some(load)) => load > th.load_over_sensor_percent,
        (Some(false), None) | (None, None) => false,
        (None, Some(load)) => load > th.empty_load_percent,
    }
}
