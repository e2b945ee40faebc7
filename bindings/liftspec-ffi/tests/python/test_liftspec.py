"""liftspec from Python through the uniffi bindings (run by scripts/test-bindings).

LIFTSPEC_FIXTURE names a folder `liftspec city --record` wrote; `liftspec_ffi.py` and the native
library are on the path.
"""

import json
import os
import pathlib
import time

import pytest

import liftspec_ffi as ls

FIXTURE = pathlib.Path(os.environ["LIFTSPEC_FIXTURE"])
T0 = 1_795_929_850_000  # 2026-11-29T05:24:10Z
DEVICE = "HZ-T-000123"


def code_of(excinfo):
    return excinfo.value.code


@pytest.fixture(scope="module")
def fleet():
    return json.loads((FIXTURE / "fleet.json").read_text())


def keys():
    return ls.DeviceKeyPair.from_seed(bytes([7] * 32), bytes([9] * 32))


def alarm(alarm_id, attempt=1):
    return json.dumps(
        {
            "alarm": {
                "alarmId": alarm_id,
                "at": "2026-11-29T05:24:10.000Z",
                "floor": 7,
                "stage": {"emitted": {"attempt": attempt}},
            }
        }
    )


def test_a_whole_rescue_from_a_scanned_sign_to_the_record(fleet):
    rescue = ls.Rescue(json.dumps(fleet), None)
    lift = fleet["lifts"][0]["equipment"]
    payload = ls.usage_sign_payload(lift["registrationCode"], lift["rescueCode"])
    sign = ls.parse_usage_sign(payload)
    assert sign.registration_code == lift["registrationCode"]

    report = rescue.report_by_sign(1, payload, 2, 7, T0)
    assert not report.merged
    again = rescue.report_by_sign(1, payload, 2, 7, T0 + 1_000)
    assert again.incident == report.incident and again.merged, "a retried report is answered idempotently"

    offers = [n for n in rescue.tick(T0) if isinstance(n, ls.RescueNotice.OFFER)]
    assert offers, "the lift's own unit is offered the incident"
    crew = offers[0].crew
    incident = report.incident
    rescue.accept(2, crew, incident, T0 + 60_000)
    rescue.accept(2, crew, incident, T0 + 61_000)  # the same key: a retry, not an error
    status = rescue.status(incident, T0 + 62_000)
    assert status.stage == ls.IncidentStage.ACCEPTED
    assert status.eta_min is not None and status.minutes_to_limit is not None
    assert status.comfort_zh
    rescue.arrive(3, crew, incident, T0 + 15 * 60_000)
    rescue.release(4, crew, incident, T0 + 20 * 60_000)
    record = json.loads(rescue.close(incident, ls.RescueCause.EQUIPMENT_FAULT, T0 + 21 * 60_000))
    assert record["lift"] == lift["registrationCode"]
    with pytest.raises(ls.LiftspecError) as e:
        rescue.close(incident, ls.RescueCause.EQUIPMENT_FAULT, T0 + 22 * 60_000)
    assert code_of(e) == "rescue.invalid_transition"


def test_bad_codes_and_transitions_are_exceptions_with_their_codes(fleet):
    rescue = ls.Rescue(json.dumps(fleet), None)
    with pytest.raises(ls.LiftspecError) as e:
        rescue.report_by_rescue_code(1, "999999", 1, None, T0)
    assert code_of(e) == "rescue.unknown_lift"
    lift = fleet["lifts"][0]["equipment"]
    good = ls.usage_sign_payload(lift["registrationCode"], lift["rescueCode"])
    tampered = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ls.LiftspecError) as e:
        ls.parse_usage_sign(tampered)
    assert code_of(e) == "usage_sign.check"
    with pytest.raises(ls.LiftspecError) as e:
        ls.explain_credit("91330105256G7JX981", 2025, "", None, 1)
    assert code_of(e) == "id.check_mismatch"
    assert e.value.position == 18, "the failing character of the credit code"
    with pytest.raises(ls.LiftspecError) as e:
        ls.usage_sign_payload(lift["registrationCode"], "12")
    assert code_of(e).startswith("id.")
    incident = rescue.report_by_rescue_code(1, lift["rescueCode"], 1, None, T0).incident
    with pytest.raises(ls.LiftspecError) as e:
        rescue.release(9, "M000-C000", incident, T0)
    assert code_of(e) in ("rescue.invalid_transition", "rescue.not_assigned")


def test_a_signed_frame_round_trips_and_a_tampered_one_is_refused():
    k = keys()
    body = json.dumps({"heartbeat": {"uptimeS": 60, "signalDbm": -70, "batteryPercent": None, "clockOffsetMs": 0}})
    frame = ls.encode_frame(DEVICE, 77, 1, T0, body, k)
    summary = ls.decode_frame(frame)
    assert (summary.kind, summary.device, summary.seq) == ("heartbeat", DEVICE, 1)
    assert ls.frame_from_json(summary.json) == frame, "the JSON form rebuilds the exact bytes"
    ls.verify_frame(frame, k.mac_key(), k.public_key())
    assert isinstance(ls.validate_frame(frame, -2, 30, 1000, T0), ls.SendTime.PLAUSIBLE)
    tampered = bytearray(frame)
    tampered[-1] ^= 1
    with pytest.raises(ls.LiftspecError) as e:
        ls.verify_frame(bytes(tampered), k.mac_key(), k.public_key())
    assert code_of(e).startswith("auth.")
    with pytest.raises(ls.LiftspecError) as e:
        ls.decode_frame(bytes([0x4C, 9]) + bytes(30))
    assert code_of(e) == "decode.unsupported_version" and e.value.offset == 1


def test_validation_refuses_an_unsigned_alarm_with_no_key_at_hand():
    signed = ls.encode_frame(DEVICE, 77, 2, T0, alarm(3), keys())
    assert isinstance(ls.validate_frame(signed, -2, 30, 1000, T0), ls.SendTime.PLAUSIBLE)
    # The same Alarm with only a MAC (scheme 1, a 16-byte tag): refused, no key needed (§4).
    mac_only = bytearray(signed[:-64])
    mac_only[3] = 1
    mac_only += bytes(16)
    with pytest.raises(ls.LiftspecError) as e:
        ls.validate_frame(bytes(mac_only), -2, 30, 1000, T0)
    assert code_of(e) == "auth.signature_required"


def test_an_outbox_saved_and_restored_delivers_every_alarm_exactly_once():
    k = keys()
    terminal = ls.DeviceTerminal(DEVICE, 77, k)
    for i in range(1, 4):
        terminal.enqueue(alarm(i), T0)
    sent = terminal.poll_transmit(T0)
    assert len(sent) == 3
    session = ls.PlatformSession(DEVICE, k.mac_key(), k.public_key(), -2, 30, 1000, 9)
    delivered = []
    for f in sent[:2]:
        delivered += session.receive(f, T0).delivered
    image = terminal.save()
    del terminal  # the power goes
    rebooted = ls.DeviceTerminal.restore(DEVICE, image, k)
    assert rebooted.waiting() == 3
    for f in rebooted.poll_transmit(T0 + 1_000):
        delivered += session.receive(f, T0 + 1_000).delivered
    seqs = sorted(json.loads(d)["seq"] for d in delivered)
    assert seqs == [1, 2, 3], "each alarm delivered once"
    effect = rebooted.on_platform_frame(session.ack_frame(T0 + 2_000), T0 + 2_000)
    assert effect == ls.PlatformFrameEffect.ACKED(removed=3)
    assert rebooted.waiting() == 0


def expected_episodes():
    kinds = []
    for line in (FIXTURE / "detect.jsonl").read_text().splitlines():
        row = json.loads(line)
        if "episode" in row:
            kinds.append((row["episode"]["device"], row["episode"]["kind"]))
    return kinds


def test_a_replay_of_the_recorded_city_raises_the_cli_detections():
    replay = ls.FrameReplay((FIXTURE / "installations.jsonl").read_text(), None)
    frames = ls.deframe((FIXTURE / "frames.bin").read_bytes())
    for f in frames:
        replay.push(f)
    result = replay.finish()
    got = [(e.device, e.raised.kind) for e in result.episodes]
    want = expected_episodes()
    assert want, "the fixture city has faults"
    assert got == want
    with pytest.raises(ls.LiftspecError) as e:
        replay.finish()
    assert code_of(e) == "ffi.replay_finished"


def test_credit_is_explained_from_the_records():
    records = (FIXTURE / "records.jsonl").read_text()
    first = next(json.loads(l) for l in records.splitlines() if '"maintenance"' in l)
    unit = first["maintenance"]["maintenanceUnit"]
    year = int(first["maintenance"]["startedAt"][:4])
    e = ls.explain_credit(unit, year, records, None, 4)
    assert e.unit == unit and 0 <= e.score <= 100 and e.grade
    for d in e.deductions:
        assert d.clause, "every deduction names its clause"
    with pytest.raises(ls.LiftspecError) as err:
        ls.explain_credit(unit[:-1] + ("0" if unit[-1] != "0" else "1"), year, records, None, 4)
    assert code_of(err) == "id.check_mismatch"


def test_a_scanned_sign_opens_its_card_and_builds_the_platforms_requests():
    snapshot = json.loads((FIXTURE / "report" / "lift-cards.json").read_text())
    cards = ls.LiftCards(json.dumps(snapshot))
    card = next(c for c in snapshot["cards"] if c["lastMaintenance"] and c["rescueCode"])
    payload = ls.usage_sign_payload(card["registrationCode"], card["rescueCode"])
    info = cards.scan(payload)
    assert info.registration_code == card["registrationCode"]
    assert info.next_maintenance_due == card["nextMaintenanceDue"]
    overdue = card["nextMaintenanceDue"] < snapshot["asOf"]
    assert info.maintenance == ("overdue" if overdue else "inTime")

    report = ls.rescue_report_request(payload, 2, 7, "k-1")
    assert (report.method, report.path) == ("POST", "/v1/rescue/reports")
    assert report.headers["Idempotency-Key"] == "k-1"
    assert json.loads(report.body) == {"signPayload": payload, "persons": 2, "floor": 7}
    fault = ls.fault_report_request(card["registrationCode"], 2, None, "k-2")
    assert fault.path == f"/v1/lifts/{card['registrationCode']}/faults"
    complaint = ls.complaint_request(card["registrationCode"], None, "maintenance", "k-3")
    assert json.loads(complaint.body)["category"] == "maintenance"

    # A tampered sign: its code, and where in the payload.
    tampered = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    with pytest.raises(ls.LiftspecError.Failed) as e:
        cards.scan(tampered)
    assert code_of(e) == "usage_sign.check"
    assert e.value.position == len(payload) - 7
    with pytest.raises(ls.LiftspecError.Failed) as e:
        ls.complaint_request(None, None, "rescue", "k-4")
    assert code_of(e) == "api.complaint_subject"
    with pytest.raises(ls.LiftspecError.Failed) as e:
        ls.rescue_report_request(payload, 1, None, "two words")
    assert code_of(e) == "api.idempotency_key_invalid"


def test_decode_and_validate_cost_from_python():
    """Not a test of speed (no threshold): prints the per-call cost for the README."""
    frame = bytes.fromhex((pathlib.Path(__file__).parents[4] / "crates/liftspec-protocol/vectors/status.hex").read_text().strip())
    sent = ls.decode_frame(frame).sent_at_ms
    n = 20_000
    start = time.perf_counter()
    for _ in range(n):
        ls.decode_frame(frame)
        ls.validate_frame(frame, -2, 30, 2500, sent)
    per = (time.perf_counter() - start) / n * 1e6
    print(f"\nFFI-COST python decode+validate: {per:.2f} us per call")
