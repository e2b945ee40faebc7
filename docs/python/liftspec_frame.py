#!/usr/bin/env python3
"""An independent decoder of liftspec protocol version 2 frames, written from docs/protocol.md
alone (standard library only). It shows that the specification is enough to implement the wire
format without reading Rust, and it is checked against the golden vectors by scripts/test:

    python3 docs/python/liftspec_frame.py --check crates/liftspec-protocol/vectors

Use as a library: decode_frame(data) -> dict (the frame's JSON form), verify_hmac(data, key)
(with the device's MAC key; the direction's key is derived as section 4 says),
deframe(stream) -> list of frames and errors.
"""

import datetime
import hashlib
import hmac
import json
import os
import sys
import zlib

MAGIC = 0x4C
VERSION = 2
TAG_LEN = {1: 16, 2: 64, 3: 80}
SCHEME_NAME = {1: "hmacSha256", 2: "ed25519", 3: "ed25519Hmac"}
UPLINK_LABEL = b"liftspec/2 mac device-to-platform"
DOWNLINK_LABEL = b"liftspec/2 mac platform-to-device"
# Section 3: refuse over-long varints. Only the conformance suite's own test turns this off, to
# show that the suite catches an implementation that reads them.
CANONICAL = True


class FrameError(Exception):
    """The bytes are not a version-2 frame; the message names the byte offset, `code` is the
    error code of section 13."""

    def __init__(self, message, code="decode.body"):
        super().__init__(message)
        self.code = code


class Reader:
    """Reads postcard values from bytes (docs/protocol.md, section 3)."""

    def __init__(self, data, offset=0, part="decode.header"):
        self.data = data
        self.pos = offset
        self.part = part  # the code of an error here: decode.header, then decode.body

    def fail(self, message):
        raise FrameError(message, self.part)

    def byte(self):
        if self.pos >= len(self.data):
            self.fail(f"byte {self.pos}: unexpected end")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def take(self, n):
        if self.pos + n > len(self.data):
            self.fail(f"byte {self.pos}: {n} bytes needed, {len(self.data) - self.pos} left")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def varint(self, bits):
        start = self.pos
        value, shift = 0, 0
        max_bytes = (bits + 6) // 7
        for i in range(max_bytes):
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
            if b & 0x80 == 0:
                if value >= 1 << bits:
                    self.fail(f"byte {start}: varint overflows u{bits}")
                if i > 0 and b == 0 and CANONICAL:
                    raise FrameError(f"byte {start}: over-long varint (not canonical)",
                                     "decode.non_canonical")
                return value
        self.fail(f"byte {start}: varint longer than {max_bytes} bytes")

    def u8(self):
        return self.byte()

    def u16(self):
        return self.varint(16)

    def u32(self):
        return self.varint(32)

    def u64(self):
        return self.varint(64)

    def signed(self, bits):
        z = self.varint(bits)
        return (z >> 1) ^ -(z & 1)

    def i16(self):
        return self.signed(16)

    def i32(self):
        return self.signed(32)

    def i64(self):
        return self.signed(64)

    def boolean(self):
        at = self.pos
        b = self.byte()
        if b > 1:
            self.fail(f"byte {at}: bool must be 0 or 1, found {b}")
        return b == 1

    def option(self, read):
        return read() if self.boolean() else None

    def string(self):
        n = self.varint(64)
        at = self.pos
        try:
            return self.take(n).decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(f"byte {at}: invalid UTF-8 ({e.reason})")

    def seq(self, read):
        return [read() for _ in range(self.varint(64))]

    def variant(self, names):
        at = self.pos
        index = self.varint(32)
        if index >= len(names):
            self.fail(f"byte {at}: variant {index} unknown (0-{len(names) - 1})")
        return names[index]

    def timestamp(self):
        ms = self.i64()
        try:
            t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
        except OverflowError:
            return ms
        if not 0 <= t.year <= 9999:
            return ms
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


EQUIPMENT_KINDS = ["tractionPassenger", "tractionFreight", "positiveDriveFreight",
                   "hydraulicPassenger", "hydraulicFreight", "escalator", "movingWalk",
                   "explosionProof", "firefighter", "dumbwaiter"]
TIERS = ["halfMonthly", "quarterly", "halfYearly", "yearly"]
DIRECTIONS = ["none", "up", "down"]
EVENT_STATES = ["raised", "cleared", "occurred"]
DOOR_SIDES = ["front", "rear"]
FILTER_REASONS = ["doorOpenAtLanding", "runningNormally"]
NACK_REASONS = ["badAuthentication", "invalid", "unsupportedVersion", "unsupportedKind",
                "unknownDevice", "clockSkew"]


def register(r):
    return {
        "lift": r.string(),
        "equipmentCode": r.option(r.string),
        "kind": r.variant(EQUIPMENT_KINDS),
        "manufacturer": r.string(),
        "model": r.string(),
        "ratedLoadKg": r.option(r.u32),
        "ratedSpeedMmS": r.u32(),
        "lowestFloor": r.i16(),
        "highestFloor": r.i16(),
        "stops": r.u16(),
        "firmware": r.string(),
        "publicKey": r.take(32).hex(),
        "capabilities": {
            "kinds": r.seq(r.u8),
            "load": r.boolean(),
            "speed": r.boolean(),
            "position": r.boolean(),
            "occupancy": r.boolean(),
            "voice": r.boolean(),
        },
    }


def status(r):
    return {
        "mode": r.u8(),
        "moving": r.boolean(),
        "direction": r.variant(DIRECTIONS),
        "floor": r.i16(),
        "doorZone": r.boolean(),
        "frontDoor": r.u16(),
        "rearDoor": r.option(r.u16),
        "occupied": r.option(r.boolean),
        "loadPercent": r.option(r.u8),
        "speedMmS": r.option(r.i32),
        "positionMm": r.option(r.i32),
        "mainsPower": r.boolean(),
        "upFinalLimit": r.boolean(),
        "downFinalLimit": r.boolean(),
    }


def statistics(r):
    return {
        "runningSeconds": r.u64(),
        "runCount": r.u64(),
        "doorCycles": r.u64(),
        "energyWh": r.option(r.u64),
    }


def event(r):
    return {
        "code": r.u16(),
        "state": r.variant(EVENT_STATES),
        "floor": r.option(r.i16),
        "at": r.timestamp(),
    }


def door_cycle(r):
    return {
        "floor": r.i16(),
        "door": r.variant(DOOR_SIDES),
        "openingMs": r.u32(),
        "openMs": r.u32(),
        "closingMs": r.u32(),
        "reopensPhotocell": r.u8(),
        "reopensButton": r.u8(),
        "loadBeforePercent": r.option(r.u8),
        "loadAfterPercent": r.option(r.u8),
        "startedAt": r.timestamp(),
    }


def alarm_stage(r):
    name = r.variant(["raised", "filtered", "emitted", "acknowledged", "voiceConnected",
                      "ended", "testCall", "battery"])
    if name == "filtered":
        return {"filtered": r.variant(FILTER_REASONS)}
    if name == "emitted":
        return {"emitted": {"attempt": r.u16()}}
    if name == "testCall":
        return {"testCall": {"ok": r.boolean()}}
    if name == "battery":
        return {"battery": {"percent": r.u8(), "healthy": r.boolean()}}
    return name


def alarm(r):
    return {
        "alarmId": r.u32(),
        "stage": alarm_stage(r),
        "floor": r.option(r.i16),
        "at": r.timestamp(),
    }


def maintenance_session(r):
    return {
        "sessionId": r.string(),
        "maintenanceUnit": r.string(),
        "technicians": r.seq(r.string),
        "tier": r.variant(TIERS),
        "itemsDone": r.seq(r.string),
        "startedAt": r.timestamp(),
        "endedAt": r.timestamp(),
        "confirmation": r.option(lambda: {"confirmedBy": r.string(), "confirmedAt": r.timestamp()}),
    }


def heartbeat(r):
    return {
        "uptimeS": r.u32(),
        "signalDbm": r.i16(),
        "batteryPercent": r.option(r.u8),
        "clockOffsetMs": r.i32(),
    }


def discarded(r):
    return {"throughSeq": r.u64(), "count": r.u64(), "reason": r.variant(["dropped", "notHeld"])}


def ack(r):
    return {"epoch": r.u32(), "cumulative": r.u64(), "selective": r.seq(r.u64)}


def nack(r):
    return {"epoch": r.u32(), "seq": r.u64(), "reason": r.variant(NACK_REASONS)}


def resume(r):
    return {"epoch": r.u32(), "fromSeq": r.u64()}


def command_action(r):
    name = r.variant(["testCall", "alarmReset", "comfort", "timeSync"])
    if name == "alarmReset":
        return {"alarmReset": {"alarmId": r.u32()}}
    if name == "comfort":
        return {"comfort": {"textZh": r.string(), "textEn": r.string(), "speak": r.boolean()}}
    if name == "timeSync":
        return {"timeSync": {"platformTime": r.timestamp()}}
    return name


def command(r):
    return {"idempotencyKey": r.u64(), "action": command_action(r)}


KINDS = {
    1: ("register", register), 2: ("status", status), 3: ("statistics", statistics),
    4: ("event", event), 5: ("doorCycle", door_cycle), 6: ("alarm", alarm),
    7: ("maintenanceSession", maintenance_session), 8: ("heartbeat", heartbeat),
    9: ("discarded", discarded), 64: ("ack", ack), 65: ("nack", nack), 66: ("resume", resume),
    67: ("command", command),
}


DEVICE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")


def decode_frame(data):
    """Decodes a frame's bytes into its JSON form (a dict), or raises FrameError. The checks
    run in the order of section 2, so the first failure's code is the one every
    implementation reports."""
    if len(data) > 16 * 1024:
        raise FrameError(f"frame too long: {len(data)} bytes", "decode.too_long")
    if len(data) < 4 + 16:
        raise FrameError(f"frame too short: {len(data)} bytes", "decode.too_short")
    if data[0] != MAGIC:
        raise FrameError(f"byte 0: expected magic 0x4C, found {data[0]:#04x}", "decode.bad_magic")
    if data[1] != VERSION:
        raise FrameError(f"byte 1: protocol version {data[1]} is not supported",
                         "decode.unsupported_version")
    if data[3] not in TAG_LEN:
        raise FrameError(f"byte 3: unknown authentication scheme {data[3]}",
                         "decode.unknown_auth_scheme")
    tag_start = len(data) - TAG_LEN[data[3]]
    if tag_start < 4:
        raise FrameError(f"frame too short: {len(data)} bytes", "decode.too_short")
    if data[2] not in KINDS:
        raise FrameError(f"byte 2: unknown message kind {data[2]}", "decode.unknown_kind")
    signed = data[:tag_start]
    r = Reader(signed, 4, "decode.header")
    device = r.string()
    if not 1 <= len(device) <= 64 or not set(device) <= DEVICE_CHARS:
        raise FrameError(f"byte 4: device id {device!r} is not 1-64 of A-Z a-z 0-9 - _ . :",
                         "decode.header")
    epoch = r.u32()
    seq = r.u64()
    sent_at = r.timestamp()
    name, read_body = KINDS[data[2]]
    r.part = "decode.body"
    body = read_body(r)
    if r.pos != len(signed):
        raise FrameError(f"byte {r.pos}: {len(signed) - r.pos} unexpected bytes before the tag",
                         "decode.trailing_bytes")
    return {
        "version": data[1],
        "device": device,
        "epoch": epoch,
        "seq": seq,
        "sentAt": sent_at,
        "body": {name: body},
        "auth": {"scheme": SCHEME_NAME[data[3]], "tag": data[tag_start:].hex()},
    }


def derived_key(mac_key, kind):
    """The direction's MAC key: HMAC-SHA256(mac_key, label), section 4."""
    label = UPLINK_LABEL if kind < 64 else DOWNLINK_LABEL
    return hmac.new(mac_key, label, hashlib.sha256).digest()


def verify_hmac(data, mac_key):
    """Checks the HMAC-SHA256/128 tag of a scheme-1 frame, or the MAC half of a scheme-3 one."""
    if data[3] not in (1, 3):
        raise FrameError("not a MACed frame")
    signed = data[:len(data) - TAG_LEN[data[3]]]
    expected = hmac.new(derived_key(mac_key, data[2]), signed, hashlib.sha256).digest()[:16]
    return hmac.compare_digest(expected, data[-16:])


def cobs_decode(block):
    out = bytearray()
    i = 0
    while i < len(block):
        code = block[i]
        if code == 0 or i + code > len(block):
            return None
        out += block[i + 1:i + code]
        i += code
        if code != 0xFF and i < len(block):
            out.append(0)
    return bytes(out)


def deframe(stream):
    """Splits a byte stream at 0x00 delimiters; returns ("frame", bytes) or ("corrupt", reason)."""
    out = []
    for block in stream.split(b"\x00")[:-1]:
        if not block:
            continue
        payload = cobs_decode(block)
        if payload is None or len(payload) < 4:
            out.append(("corrupt", "malformed COBS block"))
            continue
        frame, crc = payload[:-4], int.from_bytes(payload[-4:], "little")
        if zlib.crc32(frame) != crc:
            out.append(("corrupt", "CRC-32 mismatch"))
            continue
        out.append(("frame", frame))
    return out


def check(vectors):
    """Decodes every golden vector and compares it with its JSON; returns the number of failures."""
    test_mac_key = bytes([0x11] * 32)
    failures = 0
    names = sorted(f[:-4] for f in os.listdir(vectors) if f.endswith(".hex") and f != "stream.hex")
    for name in names:
        data = bytes.fromhex(open(os.path.join(vectors, name + ".hex")).read().strip())
        expected = json.load(open(os.path.join(vectors, name + ".json"), encoding="utf-8"))
        decoded = decode_frame(data)
        ok = decoded == expected
        if data[3] in (1, 3):
            ok = ok and verify_hmac(data, test_mac_key)
            # The other direction's key gives another tag over the same bytes.
            other = DOWNLINK_LABEL if data[2] < 64 else UPLINK_LABEL
            other_key = hmac.new(test_mac_key, other, hashlib.sha256).digest()
            signed = data[:len(data) - TAG_LEN[data[3]]]
            ok = ok and hmac.new(other_key, signed, hashlib.sha256).digest()[:16] != data[-16:]
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        failures += 0 if ok else 1
    stream = bytes.fromhex(open(os.path.join(vectors, "stream.hex")).read().strip())
    parts = deframe(stream)
    kinds = [p[0] for p in parts]
    ok = kinds == ["frame", "corrupt", "frame"] and decode_frame(parts[0][1])["seq"] == 2
    print(f"{'ok  ' if ok else 'FAIL'} stream ({kinds})")
    failures += 0 if ok else 1
    padded = bytearray(bytes.fromhex(open(os.path.join(vectors, "status.hex")).read().strip()))
    padded[21:22] = b"\x82\x00"  # seq 2 (byte 21, after the 5-byte epoch) as an over-long varint
    try:
        decode_frame(bytes(padded))
        print("FAIL over-long varint accepted")
        failures += 1
    except FrameError as e:
        print(f"ok   over-long varint rejected ({e})")
    return failures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(1 if check(sys.argv[2]) else 0)
    for line in sys.stdin:
        line = line.strip()
        if line:
            try:
                print(json.dumps(decode_frame(bytes.fromhex(line)), ensure_ascii=False))
            except (FrameError, ValueError) as e:
                print(f"error: {e}", file=sys.stderr)
