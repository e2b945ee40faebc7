//! Terminals over TCP: connections to a platform in stream mode, each carrying the frames of
//! some terminals (a gateway's), every frame kept by its [`Relay`] until acknowledged, and
//! everything unacknowledged sent again after a reconnection — so a platform that is killed
//! and restarted mid-stream gets every frame, and its sessions drop the ones it already had.
//! `liftspec city --to` and the load measurements drive it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use liftspec_protocol::framing::{frame_for_stream, Deframed, Deframer};
use liftspec_protocol::wire;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::gateway::{Relay, Taken};

/// Frames one connection sends before it waits for Acks.
pub const WINDOW: usize = 8_192;

/// How long a connection tries to reach the platform before it gives up.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(120);

/// How long a connection with frames in flight waits for an Ack before it gives up (the
/// platform lost frames it had acknowledged, and asks for numbers no relay holds).
pub const STALLED_AFTER: Duration = Duration::from_secs(60);

/// How long a connection with frames in flight waits for an Ack before it sends everything
/// unacknowledged again on the same connection (an Ack the platform sent may be lost: a
/// sharded platform's worker killed between its commit and its answer).
pub const RESEND_AFTER: Duration = Duration::from_secs(5);

/// What one connection did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkReport {
    /// Frames sent the first time.
    pub sent: u64,
    /// Frames sent again (after a reconnection or for a Resume).
    pub resent: u64,
    /// Frames acknowledged.
    pub acknowledged: u64,
    /// Times the connection was made again.
    pub reconnections: u32,
    /// Platform frames the relays refused (forged, replayed): counted, never acted on.
    pub refused: u64,
    /// Commands (comforting messages) received.
    pub commands: u64,
}

impl LinkReport {
    /// The sum of two reports.
    pub fn plus(self, o: Self) -> Self {
        Self {
            sent: self.sent + o.sent,
            resent: self.resent + o.resent,
            acknowledged: self.acknowledged + o.acknowledged,
            reconnections: self.reconnections + o.reconnections,
            refused: self.refused + o.refused,
            commands: self.commands + o.commands,
        }
    }
}

/// Why a connection gave up.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The platform could not be reached for [`GIVE_UP_AFTER`].
    #[error("could not reach {addr} for {secs} s: {error}")]
    Unreachable {
        /// The platform's address.
        addr: String,
        /// How long it tried.
        secs: u64,
        /// The last error.
        error: std::io::Error,
    },
    /// Frames were in flight and nothing was acknowledged for [`STALLED_AFTER`].
    #[error("{in_flight} frames unacknowledged for {secs} s")]
    Stalled {
        /// Frames waiting.
        in_flight: usize,
        /// How long.
        secs: u64,
    },
    /// A frame for a terminal this connection does not carry.
    #[error("frame for device {0}, which this connection does not carry")]
    UnknownDevice(String),
    /// A frame that does not decode far enough to be kept.
    #[error("a frame to send does not decode: {0}")]
    BadFrame(String),
}

async fn connect(addr: &str) -> Result<TcpStream, LinkError> {
    let started = Instant::now();
    let mut wait = Duration::from_millis(20);
    loop {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(error) if started.elapsed() >= GIVE_UP_AFTER => {
                return Err(LinkError::Unreachable {
                    addr: addr.into(),
                    secs: GIVE_UP_AFTER.as_secs(),
                    error,
                })
            }
            Err(_) => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_millis(500));
            }
        }
    }
}

/// Gives a frame to its terminal's relay to keep until acknowledged, and appends it to `out`
/// in stream framing.
fn keep(
    relays: &mut [Relay],
    by_device: &HashMap<String, usize>,
    bytes: Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<(), LinkError> {
    let info = wire::peek(&bytes).map_err(|e| LinkError::BadFrame(e.to_string()))?;
    let &i = by_device
        .get(info.device.as_str())
        .ok_or_else(|| LinkError::UnknownDevice(info.device.to_string()))?;
    out.extend_from_slice(&frame_for_stream(&bytes));
    relays[i].keep(info.seq, bytes);
    Ok(())
}

/// One connection carrying `relays`' terminals: sends the frames that arrive on `frames`, until
/// it closes and every frame is acknowledged.
pub async fn link(
    addr: String,
    mut relays: Vec<Relay>,
    mut frames: mpsc::Receiver<Vec<u8>>,
) -> Result<(LinkReport, Vec<Relay>), LinkError> {
    let mut by_device: HashMap<String, usize> = HashMap::new();
    for (i, r) in relays.iter().enumerate() {
        by_device.insert(r.device().to_string(), i);
    }
    let mut report = LinkReport::default();
    let mut producing = true;
    let mut first = true;
    let mut progress;
    let mut resent_at;
    'connection: loop {
        let stream = connect(&addr).await?;
        progress = Instant::now();
        resent_at = progress;
        if !first {
            report.reconnections += 1;
        }
        first = false;
        let (mut rd, wr) = stream.into_split();
        let mut wr = tokio::io::BufWriter::with_capacity(256 * 1024, wr);
        // A connection starts with a delimiter (§9), then everything not acknowledged.
        let mut out = vec![0u8];
        for r in &relays {
            for (_, bytes) in r.unacknowledged() {
                out.extend_from_slice(&frame_for_stream(bytes));
                report.resent += 1;
            }
        }
        if wr.write_all(&out).await.is_err() || wr.flush().await.is_err() {
            continue 'connection;
        }
        let mut deframer = Deframer::new(crate::service::MAX_BLOCK);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let in_flight: usize = relays.iter().map(Relay::in_flight).sum();
            if !producing && in_flight == 0 {
                let _ = wr.shutdown().await;
                return Ok((report, relays));
            }
            if in_flight == 0 {
                progress = Instant::now();
            } else if progress.elapsed() >= STALLED_AFTER {
                return Err(LinkError::Stalled {
                    in_flight,
                    secs: STALLED_AFTER.as_secs(),
                });
            } else if progress.max(resent_at).elapsed() >= RESEND_AFTER {
                resent_at = Instant::now();
                let mut again = Vec::new();
                for r in &relays {
                    for (_, bytes) in r.unacknowledged() {
                        again.extend_from_slice(&frame_for_stream(bytes));
                        report.resent += 1;
                    }
                }
                if wr.write_all(&again).await.is_err() || wr.flush().await.is_err() {
                    continue 'connection;
                }
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                next = frames.recv(), if producing && in_flight < WINDOW => {
                    let Some(bytes) = next else {
                        producing = false;
                        continue;
                    };
                    let mut out = Vec::new();
                    keep(&mut relays, &by_device, bytes, &mut out)?;
                    report.sent += 1;
                    // Whatever else is ready goes in the same write.
                    while out.len() < 128 * 1024 {
                        match frames.try_recv() {
                            Ok(bytes) => {
                                keep(&mut relays, &by_device, bytes, &mut out)?;
                                report.sent += 1;
                            }
                            Err(mpsc::error::TryRecvError::Empty) => break,
                            Err(mpsc::error::TryRecvError::Disconnected) => {
                                producing = false;
                                break;
                            }
                        }
                    }
                    if wr.write_all(&out).await.is_err() || wr.flush().await.is_err() {
                        continue 'connection;
                    }
                }
                n = rd.read(&mut buf) => {
                    let n = match n {
                        Ok(0) | Err(_) => continue 'connection,
                        Ok(n) => n,
                    };
                    let mut again = Vec::new();
                    for d in deframer.push_slice(&buf[..n]) {
                        let Deframed::Frame(f) = d else { continue };
                        let Some(&i) = wire::peek(&f).ok().and_then(|p| by_device.get(p.device.as_str())) else {
                            report.refused += 1;
                            continue;
                        };
                        match relays[i].take(&f) {
                            Ok(Taken::Acknowledged(n)) => {
                                report.acknowledged += n as u64;
                                if n > 0 {
                                    progress = Instant::now();
                                }
                            }
                            Ok(Taken::Resume(from)) => {
                                for bytes in relays[i].from(from) {
                                    again.extend_from_slice(&frame_for_stream(bytes));
                                    report.resent += 1;
                                }
                            }
                            Ok(Taken::Command) => report.commands += 1,
                            Ok(_) => {}
                            Err(_) => report.refused += 1,
                        }
                    }
                    if !again.is_empty()
                        && (wr.write_all(&again).await.is_err() || wr.flush().await.is_err())
                    {
                        continue 'connection;
                    }
                }
            }
        }
    }
}
