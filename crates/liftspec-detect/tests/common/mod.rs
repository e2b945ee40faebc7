#![allow(dead_code, unreachable_pub)]
pub mod accuracy;
pub mod feed;
