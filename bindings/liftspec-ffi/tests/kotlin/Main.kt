// liftspec from Kotlin on the JVM through the uniffi bindings (run by scripts/test-bindings).
// No JUnit is reachable here: each check throws, and main exits non-zero on the first failure.
// LIFTSPEC_FIXTURE names a folder `liftspec city --record` wrote.

import java.io.File
import java.util.concurrent.ConcurrentHashMap
import kotlin.concurrent.thread
import kotlin.system.exitProcess
import uniffi.liftspec_ffi.*

val fixture = File(System.getenv("LIFTSPEC_FIXTURE") ?: error("LIFTSPEC_FIXTURE is not set"))
const val T0 = 1_795_929_850_000L
const val DEVICE = "HZ-T-000123"

fun check(ok: Boolean, what: () -> String) {
    if (!ok) throw AssertionError(what())
}

inline fun expectCode(code: String, block: () -> Unit): LiftspecException.Failed {
    try {
        block()
    } catch (e: LiftspecException.Failed) {
        check(e.code == code) { "expected $code, got ${e.code}: ${e.reason}" }
        return e
    }
    throw AssertionError("expected an exception with code $code")
}

fun keys() = DeviceKeyPair.fromSeed(ByteArray(32) { 7 }, ByteArray(32) { 9 })

fun first(pattern: String, text: String): String =
    Regex(pattern).find(text)?.groupValues?.get(1) ?: error("no $pattern")

fun alarm(id: Int) =
    """{"alarm":{"alarmId":$id,"at":"2026-11-29T05:24:10.000Z","floor":7,"stage":{"emitted":{"attempt":1}}}}"""

fun rescueFlow() {
    val fleet = File(fixture, "fleet.json").readText()
    val rescue = Rescue(fleet, null)
    val registration = first("\"registrationCode\":\"([0-9]+)\"", fleet)
    val rescueCode = first("\"rescueCode\":\"([0-9]+)\"", fleet)
    val payload = usageSignPayload(registration, rescueCode)
    check(parseUsageSign(payload).registrationCode == registration) { "sign" }
    val report = rescue.reportBySign(1uL, payload, 2u.toUShort(), 7, T0)
    val again = rescue.reportBySign(1uL, payload, 2u.toUShort(), 7, T0 + 1_000)
    check(again.incident == report.incident && again.merged) { "a retried report is idempotent" }
    val offer = rescue.tick(T0).filterIsInstance<RescueNotice.Offer>().firstOrNull()
        ?: throw AssertionError("no offer")
    val crew = offer.crew
    rescue.accept(2uL, crew, report.incident, T0 + 60_000)
    rescue.accept(2uL, crew, report.incident, T0 + 61_000)
    val status = rescue.status(report.incident, T0 + 62_000)
    check(status.stage == IncidentStage.ACCEPTED && status.etaMin != null) { "status $status" }
    check(!status.comfortZh.isNullOrEmpty()) { "comforting text" }
    rescue.arrive(3uL, crew, report.incident, T0 + 15 * 60_000)
    rescue.release(4uL, crew, report.incident, T0 + 20 * 60_000)
    val record = rescue.close(report.incident, RescueCause.EQUIPMENT_FAULT, T0 + 21 * 60_000)
    check(record.contains(registration)) { "the rescue record names the lift" }
    expectCode("rescue.invalid_transition") {
        rescue.close(report.incident, RescueCause.EQUIPMENT_FAULT, T0 + 22 * 60_000)
    }
    expectCode("rescue.unknown_lift") { rescue.reportByRescueCode(5uL, "999999", 1u.toUShort(), null, T0) }
    val e = expectCode("id.check_mismatch") { explainCredit("91330105256G7JX981", 2025, "", null, 1u) }
    check(e.position == 18uL) { "position ${e.position}" }
}

fun frames() {
    val k = keys()
    val body = """{"heartbeat":{"uptimeS":60,"signalDbm":-70,"batteryPercent":null,"clockOffsetMs":0}}"""
    val frame = encodeFrame(DEVICE, 77u, 1uL, T0, body, k)
    val summary = decodeFrame(frame)
    check(summary.kind == "heartbeat" && summary.seq == 1uL) { "summary $summary" }
    check(frameFromJson(summary.json).contentEquals(frame)) { "JSON form rebuilds the bytes" }
    verifyFrame(frame, k.macKey(), k.publicKey())
    check(validateFrame(frame, -2, 30, 1000u, T0) == SendTime.Plausible) { "plausible" }
    val tampered = frame.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
    try {
        verifyFrame(tampered, k.macKey(), k.publicKey())
        throw AssertionError("a tampered frame verified")
    } catch (e: LiftspecException.Failed) {
        check(e.code.startsWith("auth.")) { e.code }
    }
    val bad = byteArrayOf(0x4C, 9) + ByteArray(30)
    check(expectCode("decode.unsupported_version") { decodeFrame(bad) }.offset == 1uL) { "offset" }
}

fun outboxAcrossAReboot() {
    val k = keys()
    val terminal = DeviceTerminal(DEVICE, 77u, k)
    for (i in 1..3) terminal.enqueue(alarm(i), T0)
    val sent = terminal.pollTransmit(T0)
    check(sent.size == 3) { "sent ${sent.size}" }
    val session = PlatformSession(DEVICE, k.macKey(), k.publicKey(), -2, 30, 1000u, 9u)
    val delivered = mutableListOf<String>()
    for (f in sent.take(2)) delivered += session.receive(f, T0).delivered
    val image = terminal.save()
    terminal.close() // the power goes
    val rebooted = DeviceTerminal.restore(DEVICE, image, k)
    for (f in rebooted.pollTransmit(T0 + 1_000)) delivered += session.receive(f, T0 + 1_000).delivered
    val seqs = delivered.map { first("\"seq\":([0-9]+)", it).toInt() }.sorted()
    check(seqs == listOf(1, 2, 3)) { "each alarm once: $seqs" }
    val effect = rebooted.onPlatformFrame(session.ackFrame(T0 + 2_000), T0 + 2_000)
    check(effect == PlatformFrameEffect.Acked(3uL)) { "effect $effect" }
    check(rebooted.waiting() == 0uL) { "outbox empty" }
}

fun detector() {
    val replay = FrameReplay(File(fixture, "installations.jsonl").readText(), null)
    for (f in deframe(File(fixture, "frames.bin").readBytes())) replay.push(f)
    val got = replay.finish().episodes.map { it.device to it.raised.kind }
    val want = File(fixture, "detect.jsonl").readLines().filter { it.startsWith("{\"episode\"") }.map {
        first("\"device\":\"([^\"]+)\"", it) to first("\"kind\":\"([^\"]+)\"", it)
    }
    check(want.isNotEmpty()) { "the fixture has faults" }
    check(got == want) { "episodes differ: ${got.size} vs ${want.size}" }
    expectCode("ffi.replay_finished") { replay.finish() }
}

fun threads() {
    // One terminal and one rescue service, called from eight threads at once.
    val terminal = DeviceTerminal(DEVICE, 78u, keys())
    val seqs = ConcurrentHashMap.newKeySet<ULong>()
    val fleet = File(fixture, "fleet.json").readText()
    val rescue = Rescue(fleet, null)
    val rescueCode = first("\"rescueCode\":\"([0-9]+)\"", fleet)
    val incidents = ConcurrentHashMap.newKeySet<String>()
    val workers = (0 until 8).map { t ->
        thread {
            for (i in 0 until 50) {
                seqs += terminal.enqueue(alarm(t * 50 + i + 1), T0)
                incidents += rescue.reportByRescueCode((t * 50 + i).toULong(), rescueCode, 1u.toUShort(), null, T0).incident
            }
        }
    }
    workers.forEach { it.join() }
    check(seqs.size == 400 && terminal.waiting() == 400uL) { "400 numbers, no repeat: ${seqs.size}" }
    check(incidents.size == 1) { "reports of one lift merge into one incident: $incidents" }
}

fun cost() {
    val hex = File("crates/liftspec-protocol/vectors/status.hex").readText().trim()
    val frame = ByteArray(hex.length / 2) { hex.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
    val sent = decodeFrame(frame).sentAtMs
    repeat(5_000) { decodeFrame(frame); validateFrame(frame, -2, 30, 2500u, sent) }
    val n = 20_000
    val start = System.nanoTime()
    repeat(n) { decodeFrame(frame); validateFrame(frame, -2, 30, 2500u, sent) }
    val us = (System.nanoTime() - start) / 1000.0 / n
    println("FFI-COST kotlin decode+validate: ${"%.2f".format(us)} us per call")
}

fun main() {
    val tests = listOf(
        "a whole rescue flow" to ::rescueFlow,
        "a signed frame round trip" to ::frames,
        "an outbox across a reboot" to ::outboxAcrossAReboot,
        "a detector over a recorded city" to ::detector,
        "calls from eight threads" to ::threads,
        "the cost of decode + validate" to ::cost,
    )
    for ((name, test) in tests) {
        try {
            test()
            println("ok   $name")
        } catch (e: Throwable) {
            println("FAIL $name: $e")
            e.printStackTrace()
            exitProcess(1)
        }
    }
    println("kotlin: ${tests.size} passed")
}
