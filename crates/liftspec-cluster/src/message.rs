//! What crosses NATS: batches of terminal frames (edge → worker), platform frames back
//! (worker → edge), and detections (worker → rescue and anyone else).
//!
//! A message carries many frames: one NATS message per frame would cost more than the whole
//! in-process pipeline spends on a frame. Frames stay exactly the bytes the terminal sent; the
//! batch only says which edge and which connection each came on, so the answers find their way
//! back.
//!
//! ```
//! use liftspec_cluster::message::FrameBatch;
//! let batch = FrameBatch { edge: "edge-1".into(), frames: vec![(7, vec![1, 2, 3])] };
//! assert_eq!(FrameBatch::decode(&batch.encode()).unwrap(), batch);
//! assert!(FrameBatch::decode(b"\xff").is_err());
//! ```

use liftspec_detect::detection::Detection;

/// Subjects and stream names.
pub mod subject {
    /// The JetStream stream of terminal frames.
    pub const FRAMES_STREAM: &str = "LIFTSPEC_FRAMES";
    /// The JetStream stream of detections.
    pub const DETECTIONS_STREAM: &str = "LIFTSPEC_DETECTIONS";

    /// Frames of devices in `partition`.
    pub fn frames(partition: u16) -> String {
        format!("liftspec.frames.{partition}")
    }

    /// Detections of lifts in district `region` (GB/T 2260 code), one writer per district
    /// downstream.
    pub fn detections(region: u32) -> String {
        format!("liftspec.detections.{region}")
    }

    /// Platform frames for the terminals connected to edge `edge` (core NATS: a lost one is
    /// made good by the terminal sending again).
    pub fn edge(edge: &str) -> String {
        format!("liftspec.edge.{edge}")
    }
}

/// Why a message from NATS could not be read. It is reported and counted, never dropped without
/// a word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Not a frame batch.
    #[error("not a frame batch: {0}")]
    Batch(String),
    /// Not a batch of platform frames.
    #[error("not a downlink batch: {0}")]
    Downlink(String),
    /// Not a detection.
    #[error("not a detection: {0}")]
    Detection(String),
}

impl MessageError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Batch(_) => "cluster.batch",
            Self::Downlink(_) => "cluster.downlink",
            Self::Detection(_) => "cluster.detection",
        }
    }
}

/// Terminal frames for one partition, as an edge received them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FrameBatch {
    /// The edge whose connections they came on (answers go to [`subject::edge`]).
    pub edge: String,
    /// (connection at that edge, the frame's exact bytes), in the order received.
    pub frames: Vec<(u64, Vec<u8>)>,
}

impl FrameBatch {
    /// Postcard bytes.
    pub fn encode(&self) -> Vec<u8> {
        // Plain data: postcard cannot fail to encode it into a Vec.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// From postcard bytes; trailing bytes are refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
        exact(bytes).map_err(MessageError::Batch)
    }
}

/// Platform frames (Acks, Nacks, Resumes, Commands) for connections of one edge.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Downlink {
    /// (connection, frame), in the order to send.
    pub frames: Vec<(u64, Vec<u8>)>,
}

impl Downlink {
    /// Postcard bytes.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// From postcard bytes; trailing bytes are refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
        exact(bytes).map_err(MessageError::Downlink)
    }
}

fn exact<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((v, [])) => Ok(v),
        Ok((_, rest)) => Err(format!("{} bytes after the end", rest.len())),
        Err(e) => Err(e.to_string()),
    }
}

/// A detection as a worker publishes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishedDetection {
    /// The lift's index in the fleet.
    pub lift: u32,
    /// Its number among the lift's detections, from 1: a consumer that has seen it drops a
    /// repeat (a worker restarted between publishing and its checkpoint publishes again).
    pub ordinal: u64,
    /// The terminal.
    pub device: String,
    /// The lift's registration code.
    pub registration_code: String,
    /// The district (GB/T 2260).
    pub region_code: u32,
    /// The detection, with its evidence and source.
    pub detection: Detection,
}

impl PublishedDetection {
    /// The JetStream message id: the stream drops a repeat within its duplicate window.
    pub fn message_id(&self) -> String {
        format!("{}:{}", self.device, self.ordinal)
    }

    /// JSON bytes.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// From JSON bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
        serde_json::from_slice(bytes).map_err(|e| MessageError::Detection(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trailing_bytes_are_refused() {
        let mut b = Downlink {
            frames: vec![(1, vec![9])],
        }
        .encode();
        b.push(0);
        assert_eq!(
            Downlink::decode(&b).unwrap_err(),
            MessageError::Downlink("1 bytes after the end".into())
        );
    }

    proptest! {
        #[test]
        fn batches_round_trip(edge in "[a-z0-9-]{0,12}", frames in proptest::collection::vec((any::<u64>(), proptest::collection::vec(any::<u8>(), 0..64)), 0..8)) {
            let b = FrameBatch { edge, frames };
            prop_assert_eq!(FrameBatch::decode(&b.encode()).unwrap(), b);
        }

        #[test]
        fn no_input_panics_a_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = FrameBatch::decode(&bytes);
            let _ = Downlink::decode(&bytes);
            let _ = PublishedDetection::decode(&bytes);
        }
    }
}
