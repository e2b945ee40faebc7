//! `liftspec keygen` and `liftspec sign`: device keys for vendors testing their terminals.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use liftspec_model::time::Timestamp;
use liftspec_protocol::auth::DeviceKeys;
use liftspec_protocol::message::Body;
use liftspec_protocol::wire::{self, DeviceId, Envelope};

use crate::{write_atomic, Failure};

#[derive(Args)]
pub(crate) struct KeygenArgs {
    /// Where to write the keys (JSON). Keep it secret: it holds the MAC key and signing seed.
    #[arg(long)]
    out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub(crate) struct SignArgs {
    /// The keys file written by `keygen`.
    #[arg(long)]
    keys: PathBuf,
    /// The device id.
    #[arg(long)]
    device: String,
    /// The epoch (the terminal's sequence space; default: a random one, as a terminal draws it).
    #[arg(long)]
    epoch: Option<u32>,
    /// The sequence number.
    #[arg(long, default_value_t = 1)]
    seq: u64,
    /// The send time, RFC 3339 (default: now).
    #[arg(long)]
    sent_at: Option<String>,
    /// The body in the frame's JSON form, e.g. '{"heartbeat":{...}}'.
    #[arg(long)]
    body: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyFile {
    mac_key: String,
    signing_seed: String,
    public_key: String,
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Reads a device's credentials from a JSON file with `macKey` and `publicKey` in hex: a file
/// written by `keygen` (its seed is not read) or a platform's stored credentials.
pub(crate) fn read_credentials(
    path: &std::path::Path,
) -> Result<liftspec_protocol::auth::DeviceCredentials, Failure> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("{name}: {e}")))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Failure(format!("{name}: {e}")))?;
    let key = |member: &str| {
        let hex = value
            .get(member)
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| Failure(format!("{name}: no {member} (hex)")))?;
        from_hex32(hex, &format!("{name}: {member}"))
    };
    Ok(liftspec_protocol::auth::DeviceCredentials::new(
        key("macKey")?,
        key("publicKey")?,
    ))
}

/// 32 bytes of hex (either case). Only hex digits: `u8::from_str_radix` alone would also read a
/// `+` sign.
fn from_hex32(s: &str, what: &str) -> Result<[u8; 32], Failure> {
    let bytes: Option<Vec<u8>> = s
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16);
            match pair {
                [hi, lo] => Some((digit(*hi)? * 16 + digit(*lo)?) as u8),
                _ => None,
            }
        })
        .collect();
    bytes
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| Failure(format!("{what}: expected 64 hex digits")))
}

pub(crate) fn keygen(args: KeygenArgs) -> Result<ExitCode, Failure> {
    if args.out.exists() && !args.force {
        return Err(Failure(format!(
            "{}: exists (use --force to replace)",
            args.out.display()
        )));
    }
    let mut seed = [0u8; 64];
    getrandom::fill(&mut seed).map_err(|e| Failure(format!("system random generator: {e}")))?;
    let (mac, signing) = seed.split_at(32);
    let mac: [u8; 32] = mac.try_into().map_err(|_| Failure("key length".into()))?;
    let signing: [u8; 32] = signing
        .try_into()
        .map_err(|_| Failure("key length".into()))?;
    let keys = DeviceKeys::from_seed(mac, signing)
        .map_err(|e| Failure(format!("generated keys refused: {e} ({})", e.code())))?;
    let file = KeyFile {
        mac_key: to_hex(&mac),
        signing_seed: to_hex(&signing),
        public_key: to_hex(&keys.public_key()),
    };
    let text = serde_json::to_string_pretty(&file)? + "\n";
    write_atomic(&args.out, text.as_bytes())?;
    println!("{}", file.public_key);
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn sign(args: SignArgs) -> Result<ExitCode, Failure> {
    let path = args.keys.display().to_string();
    let text = std::fs::read_to_string(&args.keys).map_err(|e| Failure(format!("{path}: {e}")))?;
    let file: KeyFile = serde_json::from_str(&text).map_err(|e| Failure(format!("{path}: {e}")))?;
    let keys = DeviceKeys::from_seed(
        from_hex32(&file.mac_key, &format!("{path}: macKey"))?,
        from_hex32(&file.signing_seed, &format!("{path}: signingSeed"))?,
    )
    .map_err(|e| Failure(format!("{path}: {e} ({})", e.code())))?;
    let body: Body =
        serde_json::from_str(&args.body).map_err(|e| Failure(format!("--body: {e}")))?;
    let sent_at = match args.sent_at {
        Some(t) => t
            .parse::<Timestamp>()
            .map_err(|e| Failure(format!("--sent-at: {e}")))?,
        None => Timestamp::from_millis(chrono::Utc::now().timestamp_millis()),
    };
    let epoch = match args.epoch {
        Some(epoch) => epoch,
        None => {
            let mut bytes = [0u8; 4];
            getrandom::fill(&mut bytes)
                .map_err(|e| Failure(format!("system random generator: {e}")))?;
            u32::from_le_bytes(bytes)
        }
    };
    let envelope = Envelope {
        device: DeviceId::parse(&args.device).map_err(|e| Failure(format!("--device: {e}")))?,
        epoch,
        seq: args.seq,
        sent_at,
        body,
    };
    let frame =
        wire::encode(&envelope, &keys).map_err(|e| Failure(format!("{e} ({})", e.code())))?;
    println!("{}", to_hex(&frame));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::from_hex32;

    #[test]
    fn keys_are_hex_digits_only() {
        let good = "11".repeat(32);
        assert_eq!(from_hex32(&good, "k").ok(), Some([0x11; 32]));
        assert_eq!(from_hex32(&good.to_uppercase(), "k").ok(), Some([0x11; 32]));
        // A sign is not a digit, though `from_str_radix` reads "+1" as 1.
        let signed = format!("+1{}", &good[2..]);
        assert!(from_hex32(&signed, "k").is_err());
        assert!(from_hex32(&good[1..], "k").is_err());
        assert!(from_hex32(&"1".repeat(65), "k").is_err());
    }
}
