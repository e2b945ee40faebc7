//! A deterministic, seeded city of elevators that speaks the liftspec protocol.

pub mod rng;
