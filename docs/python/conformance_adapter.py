#!/usr/bin/env python3
"""A second, independent implementation of the liftspec protocol as a conformance adapter,
written from docs/protocol.md and docs/conformance.md alone (Python standard library only,
Ed25519 included). It answers the suite's questions as JSON lines on stdin/stdout:

    liftspec conformance run --iut "python3 docs/python/conformance_adapter.py"

It passes every case and every stateful scenario of the suite. With `--defect accept-overlong-varints` it reads over-long
varints instead of refusing them, and the suite's own test checks that exactly the cases about
that rule fail.

It reuses the frame decoder of liftspec_frame.py and adds what a receiver needs beyond it: the
JSON form read back to bytes (section 10), authentication (section 4: the scheme rules, HMAC with
the direction's derived key, strict Ed25519), the validation rules (section 8.4), stream mode
(section 9) and the usage sign (section 11). For the scenarios it is a terminal (an outbox that
numbers, signs, retransmits, replaces dropped frames by Discarded notices and answers Resumes,
section 8.3, and a downlink receiver, section 8.6) and a platform receiver (section 8.2), about
250 lines.
"""

import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import liftspec_frame as lf  # noqa: E402


class Refused(Exception):
    """A refusal with its section 13 code (and a field path for validate.field)."""

    def __init__(self, code, path=None):
        super().__init__(code)
        self.code = code
        self.path = path


# --- Ed25519 (RFC 8032 section 5.1), verified strictly ---------------------------------------

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k, point):
    out = IDENTITY
    while k:
        if k & 1:
            out = _add(out, point)
        point = _add(point, point)
        k >>= 1
    return out


def _encode(point):
    x, y, z, _ = point
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _decode(data):
    """The point of a 32-byte encoding, or None when it is not one (RFC 8032 5.1.3)."""
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == (-u) % P:
        x = x * SQRT_M1 % P
    elif v * x * x % P != u:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def _small_order(point):
    return _encode(_mul(8, point)) == _encode(IDENTITY)


BASE = _decode(int.to_bytes(4 * pow(5, P - 2, P) % P, 32, "little"))


def check_public_key(key):
    """Section 4: a public key must be a curve point and not of small order."""
    point = _decode(key)
    if point is None or _small_order(point):
        raise Refused("auth.bad_public_key")
    return point


def verify_ed25519(key, message, signature):
    """Strict verification: canonical S, R a point not of small order, and
    encode([S]B - [k]A) equal to R's bytes."""
    a = check_public_key(key)
    if len(signature) != 64:
        raise Refused("auth.bad_tag")
    r_bytes, s = signature[:32], int.from_bytes(signature[32:], "little")
    r = _decode(r_bytes)
    if s >= L or r is None or _small_order(r):
        raise Refused("auth.bad_tag")
    k = int.from_bytes(hashlib.sha512(r_bytes + key + message).digest(), "little") % L
    x, y, z, t = _mul(k, a)
    minus_ka = ((-x) % P, y, z, (-t) % P)
    if _encode(_add(_mul(s, BASE), minus_ka)) != r_bytes:
        raise Refused("auth.bad_tag")


# --- Authentication (section 4) ---------------------------------------------------------------

SCHEME_REQUIRED = {1: 3, 64: 1, 65: 1, 66: 1, 67: 1}
MUST_SIGN = {1, 6, 7, 9}


def check_scheme(kind, scheme):
    """The scheme rules: need no key."""
    required = SCHEME_REQUIRED.get(kind)
    if required is not None:
        if scheme != required:
            raise Refused("auth.wrong_scheme")
    elif scheme == 3:
        raise Refused("auth.wrong_scheme")
    elif kind in MUST_SIGN and scheme == 1:
        raise Refused("auth.signature_required")


def mac_ok(mac_key, kind, signed, tag):
    expected = hmac.new(lf.derived_key(mac_key, kind), signed, hashlib.sha256).digest()[:16]
    return len(tag) == 16 and hmac.compare_digest(expected, tag)


def authenticate(data, frame, mac_key, public_key):
    kind, scheme = data[2], data[3]
    check_scheme(kind, scheme)
    tag_start = len(data) - lf.TAG_LEN[scheme]
    signed, tag = data[:tag_start], data[tag_start:]
    if scheme == 1:
        if not mac_ok(mac_key, kind, signed, tag):
            raise Refused("auth.bad_tag")
    elif scheme == 2:
        verify_ed25519(public_key, signed, tag)
    else:
        if not mac_ok(mac_key, kind, signed, tag[64:]):
            raise Refused("auth.bad_tag")
        announced = bytes.fromhex(frame["body"]["register"]["publicKey"])
        verify_ed25519(announced, signed, tag[:64])


# --- Validation (section 8.4) -----------------------------------------------------------------

MAX_SEQ = 2 ** 53 - 1


def invalid(path):
    raise Refused("validate.field", path)


def check_seq(path, n):
    if not 1 <= n <= MAX_SEQ:
        invalid(path)


def sequencing(frame):
    check_seq("seq", frame["seq"])
    (name, b), = frame["body"].items()
    if name == "discarded":
        if not frame["seq"] <= b["throughSeq"] <= MAX_SEQ:
            invalid("body.discarded.throughSeq")
        length = b["throughSeq"] - frame["seq"] + 1
        ok = 1 <= b["count"] <= length if b["reason"] == "dropped" else b["count"] == 0
        if not ok:
            invalid("body.discarded.count")
    elif name == "ack":
        if b["cumulative"] > MAX_SEQ:
            invalid("body.ack.cumulative")
        if len(b["selective"]) > 1024:
            invalid("body.ack.selective")
        last = b["cumulative"]
        for i, s in enumerate(b["selective"]):
            if s <= last or s > MAX_SEQ:
                invalid(f"body.ack.selective[{i}]")
            last = s
    elif name == "nack":
        check_seq("body.nack.seq", b["seq"])
    elif name == "resume":
        check_seq("body.resume.fromSeq", b["fromSeq"])


def body_rules(frame, inst):
    low, high, rated = inst["lowestFloor"], inst["highestFloor"], inst["ratedSpeedMmS"]
    (name, b), = frame["body"].items()

    def floor(path, f):
        if f is not None and not low <= f <= high:
            invalid(path)

    def percent(path, v, limit):
        if v is not None and v > limit:
            invalid(path)

    if name == "register":
        if b["lowestFloor"] >= b["highestFloor"]:
            invalid("body.register.highestFloor")
        if not 2 <= b["stops"] <= b["highestFloor"] - b["lowestFloor"] + 1:
            invalid("body.register.stops")
        if not 1 <= b["ratedSpeedMmS"] <= 20000:
            invalid("body.register.ratedSpeedMmS")
        if not 1 <= len(b["firmware"].encode()) <= 64:
            invalid("body.register.firmware")
        seen = set()
        for i, k in enumerate(b["capabilities"]["kinds"]):
            if not 1 <= k <= 63 or k in seen:
                invalid(f"body.register.capabilities.kinds[{i}]")
            seen.add(k)
    elif name == "status":
        floor("body.status.floor", b["floor"])
        percent("body.status.loadPercent", b["loadPercent"], 250)
        if b["speedMmS"] is not None and abs(b["speedMmS"]) > 3 * rated + 1000:
            invalid("body.status.speedMmS")
    elif name == "event":
        floor("body.event.floor", b["floor"])
    elif name == "doorCycle":
        floor("body.doorCycle.floor", b["floor"])
        for field in ("openingMs", "closingMs"):
            if b[field] > 60000:
                invalid(f"body.doorCycle.{field}")
        percent("body.doorCycle.loadBeforePercent", b["loadBeforePercent"], 250)
        percent("body.doorCycle.loadAfterPercent", b["loadAfterPercent"], 250)
    elif name == "alarm":
        floor("body.alarm.floor", b["floor"])
        stage = b["stage"]
        if isinstance(stage, dict) and "emitted" in stage and stage["emitted"]["attempt"] < 1:
            invalid("body.alarm.stage.emitted.attempt")
        if isinstance(stage, dict) and "battery" in stage and stage["battery"]["percent"] > 100:
            invalid("body.alarm.stage.battery.percent")
    elif name == "maintenanceSession":
        if not 1 <= len(b["sessionId"].encode()) <= 64:
            invalid("body.maintenanceSession.sessionId")
        if not b["technicians"]:
            invalid("body.maintenanceSession.technicians")
        if millis(b["endedAt"]) < millis(b["startedAt"]):
            invalid("body.maintenanceSession.endedAt")
        for i, item in enumerate(b["itemsDone"]):
            if item in b["itemsDone"][:i]:
                invalid(f"body.maintenanceSession.itemsDone[{i}]")
        confirmation = b["confirmation"]
        if confirmation is not None and millis(confirmation["confirmedAt"]) < millis(b["endedAt"]):
            invalid("body.maintenanceSession.confirmation.confirmedAt")
    elif name == "heartbeat":
        percent("body.heartbeat.batteryPercent", b["batteryPercent"], 100)
    command_rules(frame)


def command_rules(frame):
    (name, b), = frame["body"].items()
    if name == "command" and isinstance(b["action"], dict) and "comfort" in b["action"]:
        comfort = b["action"]["comfort"]
        if not comfort["textZh"] and not comfort["textEn"]:
            invalid("body.command.action.comfort")
        for field in ("textZh", "textEn"):
            if len(comfort[field]) > 200:
                invalid(f"body.command.action.comfort.{field}")


# --- Identifiers inside bodies (section 6.16) -------------------------------------------------

PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
TABLE_SIZES = {"A": [31, 13, 15, 17], "B": [30, 13, 9, 14], "C": [20, 8, 10, 14], "D": [33, 5, 12, 13]}


def registration_code_ok(s):
    return (len(s) == 20 and s.isascii() and s.isdigit() and 3000 <= int(s[:4]) <= 3999
            and int(s[4:6]) in PROVINCES and 1950 <= int(s[10:14]) <= 2099
            and 1 <= int(s[14:16]) <= 12)


def equipment_code_ok(s):
    return (18 <= len(s) <= 20 and all(c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" for c in s)
            and s[:4].isdigit())


def credit_code_ok(s):
    if len(s) != 18 or any(c not in CREDIT_CHARS for c in s) or not s[2:8].isdigit():
        return False
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(s, CREDIT_WEIGHTS))
    return s[17] == CREDIT_CHARS[(31 - total % 31) % 31]


def opaque_ok(s):
    return 1 <= len(s) <= 64 and set(s) <= lf.DEVICE_CHARS


def item(s):
    """The canonical spelling of a TSG T5002 item id, or None when it is not one."""
    m = re.fullmatch(r"([A-D])([1-4])-([0-9]{1,3})", s)
    if not m:
        return None
    number = int(m.group(3))
    if not 1 <= number <= TABLE_SIZES[m.group(1)][int(m.group(2)) - 1]:
        return None
    return f"{m.group(1)}{m.group(2)}-{number:02d}"


def check_ids(name, body, code):
    """Refuses a body whose identifiers are malformed (with `code`); returns the body with its
    items spelled canonically, and whether they already were."""
    fine = True
    if name == "register":
        fine = (registration_code_ok(body["lift"]) and credit_code_ok(body["manufacturer"])
                and (body["equipmentCode"] is None or equipment_code_ok(body["equipmentCode"])))
    elif name == "maintenanceSession":
        fine = credit_code_ok(body["maintenanceUnit"]) and all(map(opaque_ok, body["technicians"]))
        items = [item(i) for i in body["itemsDone"]]
        if fine and None not in items:
            canonical = items == body["itemsDone"]
            return dict(body, itemsDone=items), canonical
        fine = False
    if not fine:
        raise Refused(code)
    return body, True


# --- Times ------------------------------------------------------------------------------------

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def millis(value):
    """Milliseconds of a JSON-form time: integer milliseconds or RFC 3339 (section 10)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not -2 ** 63 <= value < 2 ** 63:
            raise Refused("json.syntax")
        return value
    if not isinstance(value, str):
        raise Refused("json.syntax")
    m = RFC3339.match(value)
    if not m:
        raise Refused("json.syntax")
    fraction = (m.group(7) or ".")[1:]
    if fraction[3:].strip("0"):
        raise Refused("json.syntax")  # finer than the millisecond
    ms = int((fraction + "000")[:3])
    zone = m.group(8)
    offset = 0 if zone in "Zz" else (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 60 + int(zone[4:6]))
    try:
        t = datetime.datetime(*(int(m.group(i)) for i in range(1, 7)), tzinfo=datetime.timezone.utc)
    except ValueError:
        raise Refused("json.syntax")
    delta = t - EPOCH
    return (delta.days * 86400 + delta.seconds - offset * 60) * 1000 + ms


# --- The JSON form read back to bytes (section 10) -------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n == 0:
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def integer(value, low, high):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Refused("json.syntax")
    return value


UNSIGNED = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}
SIGNED = {"i16": 16, "i32": 32, "i64": 64}


def enc(kind, value):
    """The bytes of one JSON value of a section 6 type."""
    if isinstance(kind, list):
        return struct(kind, value)
    if isinstance(kind, tuple):
        return compound(kind, value)
    if kind in UNSIGNED:
        bits = UNSIGNED[kind]
        n = integer(value, 0, 2 ** bits - 1)
        return bytes([n]) if bits == 8 else varint(n)
    if kind in SIGNED:
        bits = SIGNED[kind]
        n = integer(value, -2 ** (bits - 1), 2 ** (bits - 1) - 1)
        return varint(((n << 1) ^ (n >> (bits - 1))) % (1 << bits))
    if kind == "bool":
        if not isinstance(value, bool):
            raise Refused("json.syntax")
        return b"\x01" if value else b"\x00"
    if kind == "string":
        if not isinstance(value, str):
            raise Refused("json.syntax")
        data = value.encode()
        return varint(len(data)) + data
    if kind == "key":
        if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
            raise Refused("json.syntax")
        return bytes.fromhex(value)
    if kind == "time":
        ms = millis(value)
        return varint(((ms << 1) ^ (ms >> 63)) % (1 << 64))
    raise Refused("json.syntax")


def compound(kind, value):
    """An option, a list or an enum."""
    if kind[0] == "option":
        return b"\x00" if value is None else b"\x01" + enc(kind[1], value)
    if kind[0] == "list":
        if not isinstance(value, list):
            raise Refused("json.syntax")
        return varint(len(value)) + b"".join(enc(kind[1], v) for v in value)
    return enum(kind[1], value)


def struct(fields, value):
    if not isinstance(value, dict) or set(value) - {name for name, _ in fields}:
        raise Refused("json.syntax")
    out = b""
    for name, kind in fields:
        if name not in value:
            if isinstance(kind, tuple) and kind[0] == "option":
                out += b"\x00"  # a missing option is null
                continue
            raise Refused("json.syntax")
        out += enc(kind, value[name])
    return out


def enum(variants, value):
    """variants: [(name, fields or None)]: a string for a variant without fields, else an
    object with one member."""
    for index, (name, fields) in enumerate(variants):
        if fields is None and value == name:
            return varint(index)
        if fields is not None and isinstance(value, dict) and list(value) == [name]:
            inner = value[name]
            if isinstance(fields, list):
                return varint(index) + struct(fields, inner)
            return varint(index) + enc(fields, inner)
    raise Refused("json.syntax")


def names(values):
    return ("enum", [(v, None) for v in values])


CAPABILITIES = [("kinds", ("list", "u8")), ("load", "bool"), ("speed", "bool"),
                ("position", "bool"), ("occupancy", "bool"), ("voice", "bool")]
BODIES = {
    "register": (1, [("lift", "string"), ("equipmentCode", ("option", "string")),
                     ("kind", names(lf.EQUIPMENT_KINDS)), ("manufacturer", "string"),
                     ("model", "string"), ("ratedLoadKg", ("option", "u32")),
                     ("ratedSpeedMmS", "u32"), ("lowestFloor", "i16"), ("highestFloor", "i16"),
                     ("stops", "u16"), ("firmware", "string"), ("publicKey", "key"),
                     ("capabilities", CAPABILITIES)]),
    "status": (2, [("mode", "u8"), ("moving", "bool"), ("direction", names(lf.DIRECTIONS)),
                   ("floor", "i16"), ("doorZone", "bool"), ("frontDoor", "u16"),
                   ("rearDoor", ("option", "u16")), ("occupied", ("option", "bool")),
                   ("loadPercent", ("option", "u8")), ("speedMmS", ("option", "i32")),
                   ("positionMm", ("option", "i32")), ("mainsPower", "bool"),
                   ("upFinalLimit", "bool"), ("downFinalLimit", "bool")]),
    "statistics": (3, [("runningSeconds", "u64"), ("runCount", "u64"), ("doorCycles", "u64"),
                       ("energyWh", ("option", "u64"))]),
    "event": (4, [("code", "u16"), ("state", names(lf.EVENT_STATES)),
                  ("floor", ("option", "i16")), ("at", "time")]),
    "doorCycle": (5, [("floor", "i16"), ("door", names(lf.DOOR_SIDES)), ("openingMs", "u32"),
                      ("openMs", "u32"), ("closingMs", "u32"), ("reopensPhotocell", "u8"),
                      ("reopensButton", "u8"), ("loadBeforePercent", ("option", "u8")),
                      ("loadAfterPercent", ("option", "u8")), ("startedAt", "time")]),
    "alarm": (6, [("alarmId", "u32"),
                  ("stage", ("enum", [("raised", None), ("filtered", names(lf.FILTER_REASONS)),
                                      ("emitted", [("attempt", "u16")]), ("acknowledged", None),
                                      ("voiceConnected", None), ("ended", None),
                                      ("testCall", [("ok", "bool")]),
                                      ("battery", [("percent", "u8"), ("healthy", "bool")])])),
                  ("floor", ("option", "i16")), ("at", "time")]),
    "maintenanceSession": (7, [("sessionId", "string"), ("maintenanceUnit", "string"),
                               ("technicians", ("list", "string")), ("tier", names(lf.TIERS)),
                               ("itemsDone", ("list", "string")), ("startedAt", "time"),
                               ("endedAt", "time"),
                               ("confirmation", ("option", [("confirmedBy", "string"),
                                                            ("confirmedAt", "time")]))]),
    "heartbeat": (8, [("uptimeS", "u32"), ("signalDbm", "i16"),
                      ("batteryPercent", ("option", "u8")), ("clockOffsetMs", "i32")]),
    "discarded": (9, [("throughSeq", "u64"), ("count", "u64"),
                      ("reason", names(["dropped", "notHeld"]))]),
    "ack": (64, [("epoch", "u32"), ("cumulative", "u64"), ("selective", ("list", "u64"))]),
    "nack": (65, [("epoch", "u32"), ("seq", "u64"), ("reason", names(lf.NACK_REASONS))]),
    "resume": (66, [("epoch", "u32"), ("fromSeq", "u64")]),
    "command": (67, [("idempotencyKey", "u64"),
                     ("action", ("enum", [("testCall", None), ("alarmReset", [("alarmId", "u32")]),
                                          ("comfort", [("textZh", "string"), ("textEn", "string"),
                                                       ("speak", "bool")]),
                                          ("timeSync", [("platformTime", "time")])]))]),
}
SCHEMES = {"hmacSha256": 1, "ed25519": 2, "ed25519Hmac": 3}
TOP = {"version", "device", "epoch", "seq", "sentAt", "body", "auth"}


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Refused("json.syntax")
    return dict(pairs)


def from_json(text):
    """The exact bytes of a frame's JSON form (section 10)."""
    if len(text.encode()) > 8 * 16384:
        raise Refused("json.too_long")
    try:
        v = json.loads(text, object_pairs_hook=no_duplicates,
                       parse_constant=lambda c: (_ for _ in ()).throw(Refused("json.syntax")))
    except ValueError:
        raise Refused("json.syntax")
    if not isinstance(v, dict) or set(v) != TOP:
        raise Refused("json.syntax")
    version = integer(v["version"], 0, 255)
    device = v["device"]
    if not isinstance(device, str) or not 1 <= len(device) <= 64 or not set(device) <= lf.DEVICE_CHARS:
        raise Refused("json.syntax")
    header = enc("string", device) + enc("u32", v["epoch"]) + enc("u64", v["seq"]) + enc("time", v["sentAt"])
    body = v["body"]
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in BODIES:
        raise Refused("json.syntax")
    (name, value), = body.items()
    kind, fields = BODIES[name]
    body_bytes = struct(fields, value)  # the shapes and types first, then the identifiers
    value, _ = check_ids(name, value, "json.syntax")
    body_bytes = struct(fields, value)
    auth = v["auth"]
    if not isinstance(auth, dict) or set(auth) != {"scheme", "tag"} or auth["scheme"] not in SCHEMES \
            or not isinstance(auth["tag"], str):
        raise Refused("json.syntax")
    if version != 2:
        raise Refused("json.unsupported_version")
    scheme = SCHEMES[auth["scheme"]]
    tag = auth["tag"]
    if not re.fullmatch(r"(?:[0-9a-f]{2})*", tag) or len(tag) != 2 * lf.TAG_LEN[scheme]:
        raise Refused("json.bad_tag")
    return bytes([lf.MAGIC, 2, kind, scheme]) + header + body_bytes + bytes.fromhex(tag)


# --- The operations -----------------------------------------------------------------------------

def frame_op(request):
    source = request["input"]
    if "hex" in source:
        data = bytes.fromhex(source["hex"])
    else:
        data = from_json(source["json"])
    try:
        frame = lf.decode_frame(data)
    except lf.FrameError as e:
        raise Refused(e.code)
    (name, body), = frame["body"].items()
    _, canonical = check_ids(name, body, "decode.body")
    if not canonical:
        raise Refused("decode.non_canonical")
    keys = request["credentials"]
    authenticate(data, frame, bytes.fromhex(keys["macKey"]), bytes.fromhex(keys["publicKey"]))
    sequencing(frame)
    if data[2] < 64:
        body_rules(frame, request["installation"])
    else:
        command_rules(frame)
    return {"json": frame, "hex": data.hex()}


MAX_BLOCK = 16384 + 4 + (16384 + 4) // 254 + 1  # 16,453 (section 9)


def stream_op(request):
    items = []
    for block in bytes.fromhex(request["hex"]).split(b"\x00")[:-1]:
        if not block:
            continue
        if len(block) > MAX_BLOCK:
            items.append({"dropped": "stream.oversized"})
            continue
        payload = lf.cobs_decode(block)
        if payload is None:
            items.append({"dropped": "stream.bad_cobs"})
        elif len(payload) < 4:
            items.append({"dropped": "stream.too_short"})
        elif zlib.crc32(payload[:-4]) != int.from_bytes(payload[-4:], "little"):
            items.append({"dropped": "stream.bad_crc"})
        else:
            items.append({"frame": payload[:-4].hex()})
    return {"items": items}


DAMM = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
        "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"]


def usage_sign_op(request):
    text = request["payload"]
    parts = text.split("*")
    if len(parts) != 4 or parts[0] != "LS1":
        raise Refused("usage_sign.shape")
    registration, rescue, check = parts[1], parts[2], parts[3]
    body = text[:len(text) - len(check) - 1]
    if check != f"{zlib.crc32(body.encode()):08X}":
        raise Refused("usage_sign.check")
    if len(registration) != 20:
        raise Refused("id.length")
    if not registration.isascii() or not registration.isdigit():
        raise Refused("id.invalid_char")
    if not 3000 <= int(registration[:4]) <= 3999:
        raise Refused("id.out_of_range")
    if not rescue.isascii() or not rescue.isdigit():
        raise Refused("id.invalid_char")
    if not 4 <= len(rescue) <= 12:
        raise Refused("id.length")
    interim = 0
    for digit in rescue:
        interim = int(DAMM[interim][int(digit)])
    if interim != 0:
        raise Refused("id.check_mismatch")
    return {"registrationCode": registration, "rescueCode": rescue}


# --- Sessions (section 8): a terminal's outbox and a platform's receiver -----------------------

def sign_ed25519(seed, message):
    """RFC 8032 signing with a 32-byte seed."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    public = _encode(_mul(a, BASE))
    r = int.from_bytes(hashlib.sha512(h[32:] + message).digest(), "little") % L
    big_r = _encode(_mul(r, BASE))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % L
    return big_r + int.to_bytes((r + k * a) % L, 32, "little")


def frame_bytes(device, epoch, seq, sent_at, body, mac_key, seed=None):
    """A frame of `body` (its JSON form), tagged by the scheme its kind requires (section 4)."""
    (name, value), = body.items()
    kind, fields = BODIES[name]
    scheme = SCHEME_REQUIRED.get(kind) or (2 if kind in MUST_SIGN else 1)
    header = enc("string", device) + enc("u32", epoch) + enc("u64", seq) + enc("time", sent_at)
    signed = bytes([lf.MAGIC, 2, kind, scheme]) + header + struct(fields, value)
    mac = hmac.new(lf.derived_key(mac_key, kind), signed, hashlib.sha256).digest()[:16]
    if scheme == 1:
        return signed + mac
    signature = sign_ed25519(seed, signed)
    return signed + (signature if scheme == 2 else signature + mac)


CRITICAL = {1, 4, 6, 7}  # register, event, alarm, maintenanceSession (section 8)


def time_text(ms):
    t = EPOCH + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def addressed(data, device, receiver):
    """A frame decoded, for `device`, in the receiver's direction: "downlink" (a device takes
    platform kinds, section 8.6) or "session" (a platform takes device kinds, section 8.2)."""
    try:
        frame = lf.decode_frame(data)
    except lf.FrameError as e:
        raise Refused(e.code)
    if frame["device"] != device:
        raise Refused(f"{receiver}.wrong_device")
    if (data[2] < 64) == (receiver == "downlink"):
        raise Refused(f"{receiver}.wrong_direction")
    return frame


class Terminal:
    """A device's outbox (section 8.3) and downlink receiver (section 8.6). Its store is this
    object: a reboot keeps it and loses only the send timers."""

    def __init__(self, request):
        self.device, self.epoch = request["device"], request["epoch"]
        self.mac = bytes.fromhex(request["keys"]["macKey"])
        self.seed = bytes.fromhex(request["keys"]["seed"])
        self.capacity = request["capacity"]
        self.next_seq = 1
        self.entries = {}  # seq -> entry
        self.once = []  # notHeld notices answering a Resume: sent once
        self.platform_epoch, self.seen, self.highest, self.retired = None, set(), 0, set()
        self.commands = []

    def make(self, seq, at, body):
        return frame_bytes(self.device, self.epoch, seq, at, body, self.mac, self.seed)

    def entry(self, seq, at, body, critical, through=None, count=0):
        self.entries[seq] = {"bytes": self.make(seq, at, body), "critical": critical, "sent": 0,
                             "last": None, "due": True, "rejected": False,
                             "through": through, "count": count}

    def notice(self, seq, at):
        """Replaces frame `seq` by a `dropped` notice, merged with the notices it touches."""
        del self.entries[seq]
        low, high, count = seq, seq, 1
        for other in sorted(self.entries):
            e = self.entries[other]
            if e["through"] is not None and other <= high + 1 and e["through"] >= low - 1:
                low, high, count = min(low, other), max(high, e["through"]), count + e["count"]
                del self.entries[other]
        body = {"discarded": {"throughSeq": high, "count": count, "reason": "dropped"}}
        self.entry(low, at, body, False, high, count)

    def enqueue(self, request):
        body, at = request["body"], request["at"]
        (name, _), = body.items()
        critical = BODIES[name][0] in CRITICAL
        frames = [s for s, e in self.entries.items() if e["through"] is None]
        if critical and sum(self.entries[s]["critical"] for s in frames) >= 4096:
            raise Refused("outbox.critical_full")
        seq = self.next_seq
        self.entry(seq, at, body, critical)
        self.next_seq += 1
        plain = sorted(s for s in frames if not self.entries[s]["critical"])
        if not critical and len(plain) >= self.capacity:
            self.notice(plain[0], at)
        return {"seq": seq}

    def poll(self, request):
        now = millis(request["at"])
        out = [(seq, data) for seq, data in self.once]
        self.once = []
        for seq in sorted(self.entries):
            e = self.entries[seq]
            wait = min(5000 * 2 ** max(e["sent"] - 1, 0), 120000)
            timer = e["last"] is not None and not e["rejected"] and now - e["last"] >= wait
            if e["due"] or timer or (e["last"] is not None and now < e["last"]):
                e["due"], e["sent"], e["last"] = False, e["sent"] + 1, now
                out.append((seq, e["bytes"]))
        return {"frames": [data.hex() for _, data in sorted(out, key=lambda x: x[0])]}

    def receive(self, request):
        data = bytes.fromhex(request["frame"])
        frame = addressed(data, self.device, "downlink")
        check_scheme(data[2], data[3])
        if not mac_ok(self.mac, data[2], data[:-16], data[-16:]):
            raise Refused("auth.bad_tag")
        sequencing(frame)
        command_rules(frame)
        epoch, seq = frame["epoch"], frame["seq"]
        if epoch in self.retired:
            raise Refused("downlink.retired_epoch")
        if epoch != self.platform_epoch:
            if self.platform_epoch is not None:
                self.retired.add(self.platform_epoch)
            self.platform_epoch, self.seen, self.highest = epoch, set(), 0
        if seq in self.seen or seq + 64 < self.highest:
            raise Refused("downlink.replayed")
        self.seen.add(seq)
        self.highest = max(self.highest, seq)
        (name, b), = frame["body"].items()
        if name == "command":
            key = b["idempotencyKey"]
            execute = key not in self.commands
            if execute:
                self.commands = (self.commands + [key])[-64:]
            return {"command": {"idempotencyKey": key, "execute": execute}}
        if b["epoch"] != self.epoch:
            return {}  # another epoch's: ignored whole
        if name == "ack":
            if b["cumulative"] >= self.next_seq or any(s >= self.next_seq for s in b["selective"]):
                return {}  # names a number never assigned: ignored whole
            for seq_ in list(self.entries):
                e = self.entries[seq_]
                end = e["through"] if e["through"] is not None else seq_
                if end <= b["cumulative"] or (e["through"] is None and seq_ in b["selective"]):
                    del self.entries[seq_]
        elif name == "nack":
            e = self.entries.get(b["seq"])
            if e is not None and e["through"] is None:
                if e["critical"]:
                    e["rejected"] = True
                else:
                    self.notice(b["seq"], request["at"])
        elif name == "resume":
            start = b["fromSeq"]
            if start >= self.next_seq:
                return {}
            covered = set()
            for seq_, e in self.entries.items():
                end = e["through"] if e["through"] is not None else seq_
                covered.update(range(seq_, end + 1))
                if end >= start:
                    e["due"] = True
            missing = [n for n in range(start, self.next_seq) if n not in covered]
            ranges = []
            for n in missing:
                if ranges and ranges[-1][1] == n - 1:
                    ranges[-1][1] = n
                else:
                    ranges.append([n, n])
            for low, high in ranges[:8]:
                body = {"discarded": {"throughSeq": high, "count": 0, "reason": "notHeld"}}
                self.once.append((low, self.make(low, request["at"], body)))
        return {}

    def reboot(self, request):
        for e in self.entries.values():
            e["due"] = not e["rejected"]
        return {}


class Platform:
    """A platform's receiver for one device (section 8.2), numbering its own frames in `epoch`."""

    def __init__(self, request):
        self.device = request["device"]
        self.mac = bytes.fromhex(request["credentials"]["macKey"])
        self.public = bytes.fromhex(request["credentials"]["publicKey"])
        self.installation = request["installation"]
        self.epoch, self.next_down = request["epoch"], 1
        self.epochs = {}

    def reply(self, body, at):
        data = frame_bytes(self.device, self.epoch, self.next_down, at, body, self.mac)
        self.next_down += 1
        return data.hex()

    def receive(self, request):
        data, at = bytes.fromhex(request["frame"]), request["at"]
        frame = addressed(data, self.device, "session")
        authenticate(data, frame, self.mac, self.public)
        sequencing(frame)
        try:
            body_rules(frame, self.installation)
            valid = True
        except Refused:
            valid = False
        scheme = data[3]
        tag = data[len(data) - lf.TAG_LEN[scheme]:][:64]
        st = self.epochs.setdefault(frame["epoch"], {"next": 1, "held": {}, "recent": {},
                                                     "asked": None})
        seq, replies, delivered, skipped = frame["seq"], [], [], []

        def skip(low, high, reason):
            if skipped and skipped[-1]["throughSeq"] == low - 1 and skipped[-1]["reason"] == reason:
                skipped[-1]["throughSeq"] = high
            else:
                skipped.append({"fromSeq": low, "throughSeq": high, "reason": reason})

        def take(seq_, frame_, valid_):
            (name, b), = frame_["body"].items()
            if name == "discarded":
                n = seq_
                while n <= b["throughSeq"]:
                    if n in st["held"] and n != seq_:
                        st["next"] = n
                        return
                    skip(n, n, b["reason"])
                    n += 1
                st["next"] = b["throughSeq"] + 1
            elif not valid_ and BODIES[name][0] not in CRITICAL:
                replies.append({"nack": {"epoch": frame_["epoch"], "seq": seq_, "reason": "invalid"}})
                skip(seq_, seq_, "rejected")
                st["next"] = seq_ + 1
            else:
                delivered.append(seq_)
                st["next"] = seq_ + 1

        if seq < st["next"] or seq in st["held"]:
            pass  # a duplicate: acknowledged again, never delivered twice
        elif seq == st["next"]:
            st["recent"][seq] = tag
            take(seq, frame, valid)
            while st["next"] in st["held"]:
                n = st["next"]
                held_frame, held_valid = st["held"].pop(n)
                take(n, held_frame, held_valid)
        elif seq - st["next"] < 64:
            st["held"][seq] = (frame, valid)
            if st["asked"] != st["next"]:
                st["asked"] = st["next"]
                replies.append({"resume": {"epoch": frame["epoch"], "fromSeq": st["next"]}})
        ack = {"epoch": frame["epoch"], "cumulative": st["next"] - 1,
               "selective": sorted(st["held"])}
        replies.append({"ack": ack})
        return {"replies": [self.reply(b, at) for b in replies], "delivered": delivered,
                "skipped": skipped}


SESSIONS = {}


def session_op(kind, method):
    def op(request):
        found = SESSIONS.get(request["session"])
        if not isinstance(found, kind):
            raise Refused("request.unknown_session")
        return getattr(found, method)(request)
    return op


def start_op(kind):
    def op(request):
        SESSIONS[request["session"]] = kind(request)
        return {}
    return op


OPS = {"frame": frame_op, "stream": stream_op, "usageSign": usage_sign_op,
       "terminalStart": start_op(Terminal), "terminalEnqueue": session_op(Terminal, "enqueue"),
       "terminalPoll": session_op(Terminal, "poll"),
       "terminalReceive": session_op(Terminal, "receive"),
       "terminalReboot": session_op(Terminal, "reboot"),
       "platformStart": start_op(Platform), "platformReceive": session_op(Platform, "receive")}


def answer(line):
    question = json.loads(line)
    qid, request = question["id"], question["request"]
    if request["op"] == "hello":
        return {"id": qid, "accept": {"name": "liftspec_frame.py (independent Python)",
                                      "version": "2"}}
    op = OPS.get(request["op"])
    if op is None:
        return {"id": qid, "unsupported": f"operation {request['op']}"}
    try:
        return {"id": qid, "accept": op(request)}
    except Refused as r:
        reject = {"code": r.code}
        if r.path is not None:
            reject["path"] = r.path
        return {"id": qid, "reject": reject}


if __name__ == "__main__":
    # A deliberate defect, for the suite's own test that it catches one (docs/conformance.md):
    # over-long varints read as their value instead of refused.
    if sys.argv[1:] == ["--defect", "accept-overlong-varints"]:
        lf.CANONICAL = False
    elif sys.argv[1:]:
        sys.exit("usage: conformance_adapter.py [--defect accept-overlong-varints]")
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(line), ensure_ascii=False), flush=True)
