//! The usage-sign payload (§11).

use liftspec_model::id::{RescueCode, RescueCodeFormat};
use liftspec_protocol::framing::crc32;

use super::Group;
use crate::case::Request;

fn sign(payload: &str) -> Request {
    Request::UsageSign {
        payload: payload.to_owned(),
    }
}

/// `body` followed by `*` and its correct check, whatever the codes in it.
fn checked(body: &str) -> String {
    format!("{body}*{:08X}", crc32(body.as_bytes()))
}

fn rescue(serial: u64, digits: u8) -> String {
    RescueCode::from_serial(serial, RescueCodeFormat { digits })
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default()
}

pub(crate) fn usage_sign() -> Group {
    let mut g = Group::new(
        "usageSign",
        "The usage-sign payload of §11: LS1*<registration code>*<rescue code>*<CRC-32 as 8 \
         upper-case hex digits>; the rescue code ends in a Damm check digit.",
    );
    const U: &str = "§11 usage-sign payload";
    const REG: &str = "31103301062010050007";
    let six = rescue(10007, 6);
    let good = checked(&format!("LS1*{REG}*{six}"));
    g.accept(
        "valid",
        U,
        "The worked example of §11: accepted with its two codes.",
        sign(&good),
    );
    g.accept(
        "rescue_4_digits",
        U,
        "A 4-digit rescue code, the shortest allowed.",
        sign(&checked(&format!("LS1*{REG}*{}", rescue(123, 4)))),
    );
    g.accept(
        "rescue_12_digits",
        U,
        "A 12-digit rescue code, the longest allowed.",
        sign(&checked(&format!(
            "LS1*{REG}*{}",
            rescue(12_345_678_901, 12)
        ))),
    );
    let lower = format!(
        "{}{}",
        &good[..good.len() - 8],
        good[good.len() - 8..].to_lowercase()
    );
    if lower != good {
        g.reject(
            "check_lower_case",
            U,
            "The check in lower-case hex: it is 8 upper-case hex digits.",
            sign(&lower),
            "usage_sign.check",
            None,
        );
    }
    let mut wrong = good.clone().into_bytes();
    let n = wrong.len();
    wrong[n - 1] = if wrong[n - 1] == b'0' { b'1' } else { b'0' };
    g.reject(
        "check_wrong",
        U,
        "The check's last digit changed.",
        sign(&String::from_utf8_lossy(&wrong)),
        "usage_sign.check",
        None,
    );
    g.reject(
        "check_short",
        U,
        "A check of 7 digits.",
        sign(&good[..good.len() - 1]),
        "usage_sign.check",
        None,
    );
    g.reject(
        "tampered_code",
        U,
        "A registration-code digit changed after the check was computed.",
        sign(&good.replacen("0007*", "0008*", 1)),
        "usage_sign.check",
        None,
    );
    g.reject(
        "prefix",
        U,
        "Prefix LS2.",
        sign(&checked(&format!("LS2*{REG}*{six}"))),
        "usage_sign.shape",
        None,
    );
    g.reject(
        "three_parts",
        U,
        "Three parts.",
        sign(&format!("LS1*{REG}*{six}")),
        "usage_sign.shape",
        None,
    );
    g.reject(
        "five_parts",
        U,
        "Five parts.",
        sign(&checked(&format!("LS1*{REG}*{six}*X"))),
        "usage_sign.shape",
        None,
    );
    g.reject(
        "empty",
        U,
        "An empty payload.",
        sign(""),
        "usage_sign.shape",
        None,
    );
    g.reject(
        "registration_19_digits",
        U,
        "A 19-digit registration code under a correct check.",
        sign(&checked(&format!("LS1*{}*{six}", &REG[..19]))),
        "id.length",
        None,
    );
    g.reject(
        "registration_letter",
        U,
        "A registration code with a letter, under a correct check.",
        sign(&checked(&format!("LS1*3110330106201005000A*{six}"))),
        "id.invalid_char",
        None,
    );
    let mut bad_damm = six.clone().into_bytes();
    let last = bad_damm.len() - 1;
    bad_damm[last] = if bad_damm[last] == b'9' {
        b'0'
    } else {
        bad_damm[last] + 1
    };
    g.reject(
        "rescue_damm",
        U,
        "A rescue code whose Damm check digit is wrong, under a correct check.",
        sign(&checked(&format!(
            "LS1*{REG}*{}",
            String::from_utf8_lossy(&bad_damm)
        ))),
        "id.check_mismatch",
        None,
    );
    let mut swapped = six.clone().into_bytes();
    swapped.swap(0, 1);
    if swapped != six.as_bytes() {
        g.reject(
            "rescue_swapped",
            U,
            "A rescue code with two neighbouring digits swapped (Damm catches every such swap).",
            sign(&checked(&format!(
                "LS1*{REG}*{}",
                String::from_utf8_lossy(&swapped)
            ))),
            "id.check_mismatch",
            None,
        );
    }
    g.reject(
        "rescue_3_digits",
        U,
        "A 3-digit rescue code.",
        sign(&checked(&format!("LS1*{REG}*100"))),
        "id.length",
        None,
    );
    g.reject(
        "rescue_13_digits",
        U,
        "A 13-digit rescue code.",
        sign(&checked(&format!("LS1*{REG}*{}", "1".repeat(13)))),
        "id.length",
        None,
    );
    g
}
