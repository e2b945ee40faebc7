//! `liftspec decode` and `liftspec validate`.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use liftspec_model::time::Timestamp;
use liftspec_protocol::framing::{Deframed, Deframer};
use liftspec_protocol::validate::{validate as check, ValidationContext};
use liftspec_protocol::wire::{self, MAX_FRAME_LEN};

use crate::{read_input, Failure};

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
}

#[derive(Args)]
pub(crate) struct ValidateArgs {
    /// Input file, or `-` for standard input.
    input: String,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: Format,
    /// Lowest floor served.
    #[arg(long, default_value_t = -3, allow_negative_numbers = true)]
    lowest_floor: i16,
    /// Highest floor served.
    #[arg(long, default_value_t = 100)]
    highest_floor: i16,
    /// Rated speed, mm/s.
    #[arg(long, default_value_t = 2500)]
    rated_speed: u32,
    /// The receiver's clock, RFC 3339 (default: each frame's own time, so only structure is checked).
    #[arg(long)]
    now: Option<String>,
}

/// One input frame: where it came from and its bytes (or why it is not a frame).
struct Item {
    position: String,
    bytes: Result<Vec<u8>, String>,
}

fn items(input: &[u8], format: Format) -> Vec<Item> {
    let text = std::str::from_utf8(input).ok();
    let format = match format {
        Format::Auto => match text.map(str::trim_start) {
            Some(t) if t.starts_with('{') => Format::Json,
            Some(t)
                if !t.is_empty()
                    && t.chars()
                        .all(|c| c.is_ascii_hexdigit() || c.is_whitespace()) =>
            {
                Format::Hex
            }
            _ => Format::Stream,
        },
        f => f,
    };
    match format {
        Format::Stream => {
            let mut deframer = Deframer::new(MAX_FRAME_LEN * 2);
            let mut offset = 0usize;
            let mut out = Vec::new();
            for (i, b) in input.iter().enumerate() {
                if let Some(d) = deframer.push(*b) {
                    let position = format!("bytes {offset}..{i}");
                    out.push(Item {
                        position,
                        bytes: match d {
                            Deframed::Frame(f) => Ok(f),
                            Deframed::Corrupt(e) => Err(format!("{e} ({})", e.code())),
                        },
                    });
                }
                if *b == 0 {
                    offset = i + 1;
                }
            }
            if offset < input.len() {
                out.push(Item {
                    position: format!("bytes {offset}..{}", input.len()),
                    bytes: Err("incomplete frame at the end (no 0x00 delimiter)".into()),
                });
            }
            out
        }
        Format::Hex | Format::Json | Format::Auto => text
            .unwrap_or_default()
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, line)| Item {
                position: format!("line {}", n + 1),
                bytes: if format == Format::Json {
                    liftspec_protocol::json::from_json(line)
                        .map_err(|e| format!("{e} ({})", e.code()))
                } else {
                    hex(line.trim()).ok_or_else(|| "not hex".to_string())
                },
            })
            .collect(),
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

pub(crate) fn decode(args: DecodeArgs) -> Result<ExitCode, Failure> {
    let input = read_input(&args.input)?;
    let mut bad = 0;
    for item in items(&input, args.format) {
        match item.bytes.and_then(|b| {
            liftspec_protocol::json::to_json(&b).map_err(|e| format!("{e} ({})", e.code()))
        }) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                bad += 1;
                eprintln!("error: {}: {}: {e}", args.input, item.position);
            }
        }
    }
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub(crate) fn validate(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let input = read_input(&args.input)?;
    let now = match &args.now {
        Some(t) => Some(
            t.parse::<Timestamp>()
                .map_err(|e| Failure(format!("--now: {e}")))?,
        ),
        None => None,
    };
    let (mut ok, mut bad) = (0, 0);
    for item in items(&input, args.format) {
        let result = item.bytes.and_then(|b| {
            let frame = wire::decode(&b).map_err(|e| format!("{e} ({})", e.code()))?;
            let mut ctx = ValidationContext::new(
                args.lowest_floor,
                args.highest_floor,
                args.rated_speed,
                now.unwrap_or(frame.envelope.sent_at),
            );
            if now.is_none() {
                ctx.max_age_ms = i64::MAX / 4;
            }
            check(&frame.envelope, &ctx).map_err(|e| format!("{e} ({})", e.code()))
        });
        match result {
            Ok(()) => ok += 1,
            Err(e) => {
                bad += 1;
                println!("{}: {}: {e}", args.input, item.position);
            }
        }
    }
    eprintln!("{ok} valid, {bad} invalid");
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
