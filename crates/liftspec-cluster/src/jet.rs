//! The JetStream side: connecting, the two streams, and a partition's (or a district's)
//! consumer placed just after its checkpoint.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};

use crate::message::subject;

/// Why NATS failed.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    /// Connecting.
    #[error("connecting to nats at {url}: {why}")]
    Connect {
        /// The server.
        url: String,
        /// Why.
        why: String,
    },
    /// A JetStream call (stream, consumer, publish, fetch, ack).
    #[error("jetstream: {0}")]
    JetStream(String),
}

impl NatsError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Connect { .. } => "nats.connect",
            Self::JetStream(_) => "nats.jetstream",
        }
    }
}

/// `JetStream` errors of every kind, as text.
pub(crate) fn js<E: std::fmt::Display>(e: E) -> NatsError {
    NatsError::JetStream(e.to_string())
}

/// How long the streams keep what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Frames: long enough for a worker to be replaced and replay from its checkpoint
    /// (liftspec's default: 24 h).
    pub frames: Duration,
    /// Detections (liftspec's default: 30 days).
    pub detections: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            frames: Duration::from_secs(24 * 3600),
            detections: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Connects to `url`, retrying the first connection for up to `patience`, and reconnecting by
/// itself afterwards.
pub async fn connect(
    url: &str,
    patience: Duration,
) -> Result<(async_nats::Client, jetstream::Context), NatsError> {
    let started = std::time::Instant::now();
    loop {
        let attempt = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(2))
            .connect(url)
            .await;
        match attempt {
            Ok(client) => {
                let ctx = jetstream::new(client.clone());
                return Ok((client, ctx));
            }
            Err(e) if started.elapsed() >= patience => {
                return Err(NatsError::Connect {
                    url: url.to_owned(),
                    why: e.to_string(),
                })
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Creates the frames and detections streams, or finds them (file storage: they outlive a
/// restart of the server).
pub async fn ensure_streams(
    ctx: &jetstream::Context,
    retention: Retention,
) -> Result<(), NatsError> {
    for (name, subjects, max_age) in [
        (
            subject::FRAMES_STREAM,
            "liftspec.frames.>",
            retention.frames,
        ),
        (
            subject::DETECTIONS_STREAM,
            "liftspec.detections.>",
            retention.detections,
        ),
    ] {
        ctx.get_or_create_stream(stream::Config {
            name: name.to_owned(),
            subjects: vec![subjects.to_owned()],
            storage: stream::StorageType::File,
            retention: stream::RetentionPolicy::Limits,
            max_age,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        })
        .await
        .map_err(js)?;
    }
    Ok(())
}

/// A fresh durable pull consumer `name` on `stream` for `filter`, delivering from just after
/// `after` (a checkpoint's stream sequence; 0: from the start). Whatever a previous owner had
/// outstanding is forgotten: the new owner replays in order from its checkpoint.
pub async fn consumer_after(
    ctx: &jetstream::Context,
    stream: &str,
    name: &str,
    filter: String,
    after: u64,
) -> Result<consumer::PullConsumer, NatsError> {
    let stream = ctx.get_stream(stream).await.map_err(js)?;
    // Absent the first time: nothing to forget.
    let _ = stream.delete_consumer(name).await;
    let deliver_policy = match after {
        0 => consumer::DeliverPolicy::All,
        n => consumer::DeliverPolicy::ByStartSequence {
            start_sequence: n.saturating_add(1),
        },
    };
    stream
        .create_consumer(consumer::pull::Config {
            durable_name: Some(name.to_owned()),
            filter_subject: filter,
            deliver_policy,
            ack_policy: consumer::AckPolicy::All,
            ack_wait: Duration::from_secs(30),
            max_ack_pending: 1 << 20,
            ..Default::default()
        })
        .await
        .map_err(js)
}

/// A pulled message's stream sequence when it is new: `None` for one at or before `position`
/// (its checkpoint has it), an error for a redelivery (something in between went missing: the
/// owner replays in order from its checkpoint instead).
pub(crate) fn fresh(m: &jetstream::Message, position: u64) -> Result<Option<u64>, NatsError> {
    let info = m.info().map_err(js)?;
    let seq = info.stream_sequence;
    if info.delivered > 1 {
        return Err(js(format!(
            "stream message {seq} of {} delivered again; replaying from the checkpoint",
            info.stream
        )));
    }
    Ok((seq > position).then_some(seq))
}
