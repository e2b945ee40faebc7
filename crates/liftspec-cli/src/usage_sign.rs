//! `liftspec usage-sign`: check a scanned usage-sign payload (docs/protocol.md §11).

use std::process::ExitCode;

use clap::Args;
use liftspec_protocol::usage_sign::UsageSign;

use crate::Failure;

#[derive(Args)]
pub(crate) struct UsageSignArgs {
    /// The scanned text, e.g. LS1*31103301062010050007*100072*15ECFFF6.
    payload: String,
    /// Print the codes as JSON.
    #[arg(long)]
    json: bool,
}

/// Prints the lift's registration code and rescue code; a payload that is not a usage sign is
/// a failure naming its code and the character at fault.
pub(crate) fn check(args: UsageSignArgs) -> Result<ExitCode, Failure> {
    match UsageSign::decode(&args.payload) {
        Ok(sign) if args.json => {
            println!("{}", serde_json::to_string(&sign)?);
            Ok(ExitCode::SUCCESS)
        }
        Ok(sign) => {
            println!(
                "registration code {}, rescue code {}",
                sign.registration_code, sign.rescue_code
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let at = e
                .payload_position(&args.payload)
                .map(|p| format!(" at character {p}"))
                .unwrap_or_default();
            Err(Failure(format!("{}{at}: {e}", e.code())))
        }
    }
}
