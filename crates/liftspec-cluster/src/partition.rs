//! Which partition a device belongs to, and which worker owns a partition.
//!
//! - A device's partition is a hash of its id, so every ingest edge and every worker computes
//!   the same one without asking anybody ([`Partitions::of`]).
//! - A partition's owner among the live workers is chosen by rendezvous hashing
//!   ([`owner`]): every worker computes the same owner from the same list, and adding or
//!   removing a worker moves only the partitions that worker gains or loses.
//!
//! ```
//! use liftspec_cluster::partition::{owner, Partitions};
//! use liftspec_protocol::wire::DeviceId;
//! let p = Partitions::new(16).unwrap();
//! let device = DeviceId::parse("HZ-ACME-000001").unwrap();
//! assert!(p.of(&device) < 16);
//! let live = ["w1".to_owned(), "w2".to_owned()];
//! assert!(owner(3, &live).is_some());
//! ```

use liftspec_protocol::wire::DeviceId;

/// The most partitions a deployment may have.
pub const MAX_PARTITIONS: u16 = 1024;

/// The number of partitions of a deployment: fixed for its life (a device's partition is
/// derived from it), chosen larger than the most workers it will run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Partitions(u16);

/// A partition count that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("partitions: {0} is outside 1..={MAX_PARTITIONS}")]
pub struct PartitionsError(pub u32);

impl PartitionsError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        "cluster.partitions"
    }
}

impl Partitions {
    /// `count` partitions, 1 to [`MAX_PARTITIONS`].
    pub fn new(count: u32) -> Result<Self, PartitionsError> {
        match u16::try_from(count) {
            Ok(n) if (1..=MAX_PARTITIONS).contains(&n) => Ok(Self(n)),
            _ => Err(PartitionsError(count)),
        }
    }

    /// How many.
    pub fn count(self) -> u16 {
        self.0
    }

    /// The partition of `device`: FNV-1a of its id's text, modulo the count.
    pub fn of(self, device: &DeviceId) -> u16 {
        (fnv1a(device.as_str().as_bytes()) % u64::from(self.0)) as u16
    }

    /// Every partition.
    pub fn all(self) -> impl Iterator<Item = u16> {
        0..self.0
    }
}

/// FNV-1a, 64 bits: stable across versions and platforms (unlike std's hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The owner of `partition` among `live` workers: the one with the highest hash of (worker,
/// partition). `None` when no worker is live.
pub fn owner(partition: u16, live: &[String]) -> Option<&String> {
    live.iter().max_by_key(|w| {
        let mut key = w.as_bytes().to_vec();
        key.push(0);
        key.extend_from_slice(&partition.to_be_bytes());
        (mix(fnv1a(&key)), w.as_str())
    })
}

/// SplitMix64's finaliser: FNV-1a alone barely separates names that differ in one byte, and
/// the highest hash must be a fair draw among the workers.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("worker-{i}")).collect()
    }

    #[test]
    fn a_partition_is_fixed_by_the_device_id() {
        let p = Partitions::new(16).unwrap();
        let d = DeviceId::parse("HZ-ACME-000001").unwrap();
        // Pinned: an edge and a worker built from other versions must agree.
        assert_eq!(p.of(&d), p.of(&d.clone()));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn counts_outside_the_range_are_refused() {
        assert_eq!(Partitions::new(0), Err(PartitionsError(0)));
        assert_eq!(Partitions::new(1025), Err(PartitionsError(1025)));
        assert_eq!(Partitions::new(70_000), Err(PartitionsError(70_000)));
        assert!(Partitions::new(1).is_ok() && Partitions::new(1024).is_ok());
    }

    #[test]
    fn devices_spread_over_the_partitions() {
        let p = Partitions::new(16).unwrap();
        let mut counts = [0u32; 16];
        for i in 0..16_000 {
            let d = DeviceId::parse(&format!("HZ-ACME-{i:06}")).unwrap();
            counts[p.of(&d) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (700..1300).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn a_new_worker_takes_partitions_only_for_itself() {
        let two = names(2);
        let three = names(3);
        let mut moved = 0;
        for p in 0..64u16 {
            let before = owner(p, &two).unwrap();
            let after = owner(p, &three).unwrap();
            if before != after {
                // Only to the newcomer, never between the old two.
                assert_eq!(after, "worker-3");
                moved += 1;
            }
        }
        assert!((10..=35).contains(&moved), "{moved} of 64 moved");
        // And each of the three owns a fair share.
        for w in &three {
            let n = (0..64u16).filter(|&p| owner(p, &three) == Some(w)).count();
            assert!((12..=32).contains(&n), "{w} owns {n} of 64");
        }
        assert_eq!(owner(0, &[]), None);
    }

    #[test]
    fn the_owner_does_not_depend_on_the_order_of_the_list() {
        let mut live = names(4);
        let first: Vec<_> = (0..32).map(|p| owner(p, &live).cloned()).collect();
        live.reverse();
        let second: Vec<_> = (0..32).map(|p| owner(p, &live).cloned()).collect();
        assert_eq!(first, second);
    }
}
