//! `liftspec decode` and `liftspec validate`.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::DeviceCredentials;
use liftspec_protocol::framing::{Deframed, Deframer, MAX_BLOCK_LEN};
use std::io::Write as _;

use liftspec_protocol::validate::{
    assess_clock, validate as check, ClockQuality, ValidationContext,
};
use liftspec_protocol::wire;

use crate::input::{ErrorLog, Input, LineError};
use crate::Failure;

/// How the input is written.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    /// Guess: JSON lines if it starts with `{`, hex lines if it is all hex, else a byte stream.
    Auto,
    /// One frame per line in hex.
    Hex,
    /// One frame per line in the JSON form.
    Json,
    /// The protocol's stream framing (COBS + CRC-32, 0x00 delimiters).
    Stream,
}

#[derive(Args)]
pub(crate) struct DecodeArgs {
    /// Input file, or `-` for standard input.
    input: String,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: Format,
    /// The device's keys (JSON with `macKey` and `publicKey`, as `keygen` writes): every tag is
    /// verified. Without keys, the checks that need none still apply (docs/protocol.md §4).
    #[arg(long)]
    keys: Option<std::path::PathBuf>,
}

#[derive(Args)]
pub(crate) struct ValidateArgs {
    /// Input file, or `-` for standard input.
    input: String,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: Format,
    /// The device's keys (JSON with `macKey` and `publicKey`, as `keygen` writes): every tag is
    /// verified. Without keys, the checks that need none still apply (docs/protocol.md §4).
    #[arg(long)]
    keys: Option<std::path::PathBuf>,
    /// Lowest floor served.
    #[arg(long, default_value_t = -3, allow_negative_numbers = true)]
    lowest_floor: i16,
    /// Highest floor served.
    #[arg(long, default_value_t = 100)]
    highest_floor: i16,
    /// Rated speed, mm/s.
    #[arg(long, default_value_t = 2500)]
    rated_speed: u32,
    /// The receiver's clock, RFC 3339, to grade each send time against (default: each frame's
    /// own time, so only structure is checked). A bad send time is a note, never an error.
    #[arg(long)]
    now: Option<String>,
}

/// Longest hex line read.
const MAX_HEX_LINE: usize = liftspec_protocol::file::MAX_HEX_LINE;

/// Guesses the format from the first bytes (`liftspec_protocol::file::sniff`).
fn sniff(peek: &[u8]) -> Format {
    match liftspec_protocol::file::sniff(peek) {
        liftspec_protocol::file::Format::Json => Format::Json,
        liftspec_protocol::file::Format::Hex => Format::Hex,
        liftspec_protocol::file::Format::Stream => Format::Stream,
    }
}

/// Calls `each` with every frame of the input (where it is, and its bytes or why it is not a
/// frame), reading as a stream. Returns how many items there were.
pub(crate) fn for_each_item(
    mut input: Input,
    format: Format,
    mut each: impl FnMut(&str, String, Result<Vec<u8>, String>),
) -> Result<u64, Failure> {
    let format = match format {
        Format::Auto => sniff(input.peek()?),
        f => f,
    };
    let name = input.name.clone();
    let mut items = 0u64;
    if format == Format::Stream {
        let mut deframer = Deframer::new(MAX_BLOCK_LEN);
        let (mut offset, mut at) = (0u64, 0u64);
        input.chunks(|chunk| {
            for b in chunk {
                if let Some(d) = deframer.push(*b) {
                    items += 1;
                    let bytes = match d {
                        Deframed::Frame(f) => Ok(f),
                        Deframed::Corrupt(e) => Err(format!("{e} ({})", e.code())),
                    };
                    each(&name, format!("bytes {offset}..{at}"), bytes);
                }
                at += 1;
                if *b == 0 {
                    offset = at;
                }
            }
            Ok(())
        })?;
        if offset < at {
            items += 1;
            each(
                &name,
                format!("bytes {offset}..{at}"),
                Err("incomplete frame at the end (no 0x00 delimiter)".into()),
            );
        }
        return Ok(items);
    }
    let max = if format == Format::Json {
        liftspec_protocol::json::MAX_JSON_LEN
    } else {
        MAX_HEX_LINE
    };
    let mut seen_text = false;
    for line in input.lines(max) {
        let (number, line) = line?;
        let position = format!("line {number}");
        let line = match line {
            Err(LineError::NotText) if !seen_text => {
                return Err(Failure(format!(
                    "{name}: line {number} is not text: this looks like a byte stream, not {} lines (try --format stream, or auto)",
                    if format == Format::Json { "JSON" } else { "hex" }
                )));
            }
            Err(e) => {
                items += 1;
                each(&name, position, Err(e.to_string()));
                continue;
            }
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => line,
        };
        seen_text = true;
        items += 1;
        let bytes = if format == Format::Json {
            liftspec_protocol::json::from_json(&line).map_err(|e| format!("{e} ({})", e.code()))
        } else {
            liftspec_protocol::file::hex_frame(&line).map_err(|e| format!("{e} ({})", e.code()))
        };
        each(&name, position, bytes);
    }
    Ok(items)
}

/// A frame decoded and authenticated as far as the keys at hand allow: the scheme rules and a
/// Register's announced key always, the tag when the device's keys are given.
fn authenticated(bytes: &[u8], keys: Option<&DeviceCredentials>) -> Result<wire::Frame, String> {
    liftspec_protocol::receive::authenticate(bytes, keys).map_err(|e| format!("{e} ({})", e.code()))
}

fn no_frames(name: &str) -> Failure {
    Failure(format!("{name}: no frames found"))
}

pub(crate) fn decode(args: DecodeArgs) -> Result<ExitCode, Failure> {
    let keys = args
        .keys
        .as_deref()
        .map(crate::keys::read_credentials)
        .transpose()?;
    let input = Input::open(&args.input)?;
    let mut errors = ErrorLog::new();
    let mut out = std::io::stdout().lock();
    let mut write_failed = None;
    let items = for_each_item(input, args.format, |name, position, bytes| {
        match bytes.and_then(|b| {
            let frame = authenticated(&b, keys.as_ref())?;
            liftspec_protocol::json::decoded_to_json(frame, &b)
                .map_err(|e| format!("{e} ({})", e.code()))
        }) {
            Ok(json) => {
                if let Err(e) = writeln!(out, "{json}") {
                    write_failed.get_or_insert(e);
                }
            }
            Err(e) => errors.report(|| format!("{name}: {position}: {e}")),
        }
    })?;
    if let Some(e) = write_failed {
        return Err(Failure(format!("stdout: {e}")));
    }
    errors.finish();
    if items == 0 {
        return Err(no_frames(&args.input));
    }
    Ok(if errors.total() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub(crate) fn validate(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let keys = args
        .keys
        .as_deref()
        .map(crate::keys::read_credentials)
        .transpose()?;
    let input = Input::open(&args.input)?;
    let now = match &args.now {
        Some(t) => Some(
            t.parse::<Timestamp>()
                .map_err(|e| Failure(format!("--now: {e}")))?,
        ),
        None => None,
    };
    let (mut ok, mut shown) = (0u64, 0usize);
    let mut bad = 0u64;
    let items = for_each_item(input, args.format, |name, position, bytes| {
        let result = bytes.and_then(|b| {
            let frame = authenticated(&b, keys.as_ref())?;
            let ctx = ValidationContext::new(
                args.lowest_floor,
                args.highest_floor,
                args.rated_speed,
                now.unwrap_or(frame.envelope.sent_at),
            );
            check(&frame.envelope, &ctx).map_err(|e| format!("{e} ({})", e.code()))?;
            // The send time is graded, never a reason to reject (docs/protocol.md §8.5).
            Ok(match assess_clock(frame.envelope.sent_at, &ctx) {
                ClockQuality::Plausible => None,
                quality => Some(quality),
            })
        });
        match result {
            Ok(clock) => {
                ok += 1;
                if let Some(quality) = clock {
                    println!("{name}: {position}: note: send time {quality:?} (a clock finding, not an error)");
                }
            }
            Err(e) => {
                bad += 1;
                if shown < ErrorLog::SHOWN {
                    shown += 1;
                    println!("{name}: {position}: {e}");
                }
            }
        }
    })?;
    if bad > shown as u64 {
        println!(
            "… and {} more (the first {shown} are shown)",
            bad - shown as u64
        );
    }
    if items == 0 {
        return Err(no_frames(&args.input));
    }
    eprintln!("{ok} valid, {bad} invalid");
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
