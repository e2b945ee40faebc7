//! A seeded lossy network between terminals and the platform: it drops, duplicates, delays,
//! reorders and partitions packets, deterministically for a seed. Sans-I/O: [`LossyNetwork::send`]
//! a packet at a time, [`LossyNetwork::deliver_until`] collects what arrives by then.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use liftspec_model::time::Timestamp;

use crate::config::ConfigError;
use crate::rng::Rng;

/// How bad the network is. `Default` is a clean network.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkConfig {
    /// Probability a packet is lost, [0, 1].
    pub loss: f64,
    /// Probability a delivered packet arrives twice, [0, 1].
    pub duplicate: f64,
    /// Shortest delay, ms.
    pub min_delay_ms: u32,
    /// Longest delay, ms (≥ `min_delay_ms`); delays spread uniformly between, which reorders.
    pub max_delay_ms: u32,
    /// Outages: nothing sent inside one gets through.
    pub partitions: Vec<Partition>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            loss: 0.0,
            duplicate: 0.0,
            min_delay_ms: 20,
            max_delay_ms: 20,
            partitions: Vec::new(),
        }
    }
}

/// A network outage.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Partition {
    /// Start.
    pub start: Timestamp,
    /// Length, ms.
    pub duration_ms: u64,
    /// Only this link (a lift index), or every link when `None`.
    pub link: Option<u32>,
}

impl NetworkConfig {
    /// A mobile network on a bad day: 5 % loss, 1 % duplicates, 50–1500 ms delays.
    pub fn bad_day() -> Self {
        Self {
            loss: 0.05,
            duplicate: 0.01,
            min_delay_ms: 50,
            max_delay_ms: 1500,
            partitions: Vec::new(),
        }
    }

    /// Checks every setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (field, value) in [
            ("network.loss", self.loss),
            ("network.duplicate", self.duplicate),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(ConfigError::OutOfRange {
                    field: field.into(),
                    value,
                    allowed: "[0, 1]",
                });
            }
        }
        if self.max_delay_ms < self.min_delay_ms {
            return Err(ConfigError::OutOfRange {
                field: "network.maxDelayMs".into(),
                value: f64::from(self.max_delay_ms),
                allowed: "≥ network.minDelayMs",
            });
        }
        Ok(())
    }
}

/// A packet on a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// When it was sent (by the sender) or delivered (by the network).
    pub at: Timestamp,
    /// The link: which terminal it belongs to.
    pub link: u32,
    /// The payload.
    pub bytes: Vec<u8>,
}

/// What the network did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkStats {
    /// Packets sent.
    pub sent: u64,
    /// Lost at random.
    pub lost: u64,
    /// Lost to a partition.
    pub partitioned: u64,
    /// Extra copies delivered.
    pub duplicated: u64,
    /// Delivered (copies included).
    pub delivered: u64,
}

/// The network.
#[derive(Debug, Clone)]
pub struct LossyNetwork {
    config: NetworkConfig,
    rng: Rng,
    in_flight: BinaryHeap<Reverse<(i64, u64)>>,
    packets: HashMap<u64, (u32, Vec<u8>)>,
    order: u64,
    stats: NetworkStats,
}

impl LossyNetwork {
    /// A network behaving as `config`, seeded.
    pub fn new(config: NetworkConfig, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            rng: Rng::derive(seed, 5, 0),
            in_flight: BinaryHeap::new(),
            packets: HashMap::new(),
            order: 0,
            stats: NetworkStats::default(),
        })
    }

    /// Counters.
    pub fn stats(&self) -> NetworkStats {
        self.stats
    }

    /// Packets still travelling.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    fn partitioned(&self, at: i64, link: u32) -> bool {
        self.config.partitions.iter().any(|p| {
            p.link.is_none_or(|l| l == link)
                && at >= p.start.millis()
                && at < p.start.millis().saturating_add(p.duration_ms as i64)
        })
    }

    /// Sends a packet.
    pub fn send(&mut self, packet: Packet) {
        self.stats.sent += 1;
        let at = packet.at.millis();
        if self.partitioned(at, packet.link) {
            self.stats.partitioned += 1;
            return;
        }
        if self.rng.chance(self.config.loss) {
            self.stats.lost += 1;
            return;
        }
        let copies = if self.rng.chance(self.config.duplicate) {
            self.stats.duplicated += 1;
            2
        } else {
            1
        };
        for _ in 0..copies {
            let delay = self.rng.int(
                i64::from(self.config.min_delay_ms),
                i64::from(self.config.max_delay_ms),
            );
            self.order += 1;
            self.packets
                .insert(self.order, (packet.link, packet.bytes.clone()));
            self.in_flight.push(Reverse((at + delay, self.order)));
        }
    }

    /// Everything that arrives up to and including `until`, in arrival order.
    pub fn deliver_until(&mut self, until: Timestamp) -> Vec<Packet> {
        let mut out = Vec::new();
        while let Some(Reverse((at, order))) = self.in_flight.peek().copied() {
            if at > until.millis() {
                break;
            }
            self.in_flight.pop();
            if let Some((link, bytes)) = self.packets.remove(&order) {
                self.stats.delivered += 1;
                out.push(Packet {
                    at: Timestamp::from_millis(at),
                    link,
                    bytes,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(at: i64, link: u32, b: u8) -> Packet {
        Packet {
            at: Timestamp::from_millis(at),
            link,
            bytes: vec![b],
        }
    }

    #[test]
    fn a_clean_network_delivers_everything_once_after_its_delay() {
        let mut net = LossyNetwork::new(NetworkConfig::default(), 1).unwrap();
        for i in 0..100 {
            net.send(packet(i * 10, 0, i as u8));
        }
        let got = net.deliver_until(Timestamp::from_millis(10_000));
        assert_eq!(got.len(), 100);
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, p)| p.bytes[0] == i as u8 && p.at.millis() == i as i64 * 10 + 20));
    }

    #[test]
    fn a_bad_network_loses_duplicates_and_reorders_deterministically() {
        let run = |seed| {
            let mut net = LossyNetwork::new(NetworkConfig::bad_day(), seed).unwrap();
            for i in 0..2000 {
                net.send(packet(i * 10, 0, (i % 256) as u8));
            }
            (
                net.deliver_until(Timestamp::from_millis(100_000)),
                net.stats(),
            )
        };
        let (a, stats) = run(9);
        assert_eq!(a, run(9).0, "same seed, same deliveries");
        assert!(stats.lost > 50 && stats.lost < 170, "{stats:?}");
        assert!(stats.duplicated > 5);
        assert_eq!(stats.delivered, stats.sent - stats.lost + stats.duplicated);
        let sent_order: Vec<u8> = a.iter().map(|p| p.bytes[0]).collect();
        let mut sorted = sent_order.clone();
        sorted.sort_unstable();
        assert_ne!(sent_order, sorted, "some packets overtake others");
    }

    #[test]
    fn a_partition_blocks_its_link_only_while_it_lasts() {
        let config = NetworkConfig {
            partitions: vec![Partition {
                start: Timestamp::from_millis(1000),
                duration_ms: 1000,
                link: Some(1),
            }],
            ..NetworkConfig::default()
        };
        let mut net = LossyNetwork::new(config, 3).unwrap();
        for at in [500, 1500, 2500] {
            net.send(packet(at, 1, 0));
            net.send(packet(at, 2, 0));
        }
        let got = net.deliver_until(Timestamp::from_millis(5000));
        assert_eq!(got.len(), 5);
        assert_eq!(net.stats().partitioned, 1);
    }

    #[test]
    fn invalid_settings_are_rejected() {
        let bad = NetworkConfig {
            loss: 1.5,
            ..NetworkConfig::default()
        };
        assert_eq!(
            LossyNetwork::new(bad, 0).unwrap_err().code(),
            "sim.config.out_of_range"
        );
        let bad = NetworkConfig {
            min_delay_ms: 10,
            max_delay_ms: 5,
            ..NetworkConfig::default()
        };
        assert!(LossyNetwork::new(bad, 0).is_err());
    }
}
