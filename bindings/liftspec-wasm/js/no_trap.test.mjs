// No input traps the module: random bytes and strings go to every export, thousands of times;
// each call returns or throws a LiftspecError with a string code — never a RuntimeError
// (`unreachable`, a panic), after which the module would be dead. The module still answers
// correctly at the end. PKG is the built npm package; SEED and ROUNDS replay or lengthen a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { resolve, join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';

const pkg = resolve(process.env.PKG ?? '../../../target/npm/liftspec');
const L = createRequire(import.meta.url)(`${pkg}/node/liftspec_wasm.js`);

// A seeded generator, so a failure can be replayed.
let seed = Number(process.env.SEED ?? 20261206);
const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
const int = (n) => Math.floor(rand() * n);
// Every golden vector, mutated (a byte changed, cut short, grown): deeper than random bytes.
const vectors = resolve(process.env.VECTORS ?? '../../../crates/liftspec-protocol/vectors');
const golden = readdirSync(vectors).filter((f) => f.endsWith('.hex') && f !== 'stream.hex')
  .map((f) => Buffer.from(readFileSync(join(vectors, f), 'utf8').trim(), 'hex'));
const mutated = () => {
  const b = Uint8Array.from(golden[int(golden.length)]);
  const n = int(4);
  for (let i = 0; i < n; i += 1) b[int(b.length)] = int(256);
  const r = rand();
  return r < 0.3 ? b.subarray(0, int(b.length)) : r < 0.4 ? Uint8Array.from([...b, ...b.subarray(0, int(9))]) : b;
};
const randomBytes = () => Uint8Array.from({ length: int(rand() < 0.2 ? 600 : 80) }, () => (rand() < 0.3 ? 0 : int(256)));
const bytes = () => (rand() < 0.6 ? mutated() : randomBytes());
const ALPHABET = 'LS1*0123456789ABCDEFabcdef{}[]":,.-_ \n\u4e2d\u{1F600}\u0000';
const randomText = () => Array.from({ length: int(rand() < 0.2 ? 400 : 40) }, () => ALPHABET[int(ALPHABET.length)]).join('');
// Valid signs and identifiers, with a character changed.
const SAMPLES = [L.usageSignPayload('31103301062010050007', '100072'), '31103301062010050007', '91330105256G7JX98A', '100072'];
const mutatedText = () => {
  const c = [...SAMPLES[int(SAMPLES.length)]];
  if (rand() < 0.7) c[int(c.length)] = ALPHABET[int(ALPHABET.length)];
  return c.join('');
};
const text = () => (rand() < 0.5 ? mutatedText() : randomText());
const json = () => (rand() < 0.5 ? text() : JSON.stringify({ heartbeat: { uptimeS: int(1e6) - 10, batteryPercent: int(300) - 50 } }));
const installation = () => (rand() < 0.8 ? { lowestFloor: int(9) - 4, highestFloor: int(200) - 50, ratedSpeedMmS: int(9000) } : { lowestFloor: text() });
const keys = L.DeviceKeyPair.fromSeed(new Uint8Array(32).fill(7), new Uint8Array(32).fill(9));
const opt = (f) => (rand() < 0.5 ? undefined : f());

const calls = {
  decodeFrame: () => L.decodeFrame(bytes()),
  frameToJson: () => L.frameToJson(bytes()),
  frameFromJson: () => L.frameFromJson(json()),
  frameFromHex: () => L.frameFromHex(text()),
  validateFrame: () => L.validateFrame(bytes(), installation()),
  FrameValidator: () => new L.FrameValidator(installation()).check(bytes()),
  verifyFrame: () => L.verifyFrame(bytes(), bytes().subarray(0, int(40)), bytes().subarray(0, 32)),
  fromSeed: () => L.DeviceKeyPair.fromSeed(bytes().subarray(0, int(40)), bytes().subarray(0, 32)),
  encodeFrame: () => L.encodeFrame({ device: text(), epoch: int(9), seq: int(99), sentAtMs: rand() * 2e12 }, json(), keys),
  deframe: () => L.deframe(bytes()),
  inspectFrameFile: () => L.inspectFrameFile(rand() < 0.5 ? bytes() : new TextEncoder().encode(text()), installation()),
  replayFrameFile: () => L.replayFrameFile(text(), bytes(), opt(text)),
  parseUsageSign: () => L.parseUsageSign(text()),
  usageSignPayload: () => L.usageSignPayload(text(), text()),
  checkIdentifier: () => L.checkIdentifier(['registrationCode', 'rescueCode', 'equipmentCode', 'usageCertificate', 'creditCode', text()][int(6)], text()),
  LiftCards: () => new L.LiftCards(text()).scan(text()),
  rescueReportRequest: () => L.rescueReportRequest(text(), int(70000), opt(() => int(65536) - 32768), text()),
  faultReportRequest: () => L.faultReportRequest(text(), int(70000), undefined, text()),
  complaintRequest: () => L.complaintRequest(opt(text), opt(text), text(), text()),
  explainCredit: () => L.explainCredit(text(), int(4000), text(), opt(text), int(50)),
  screenRisk: () => L.screenRisk(text(), text(), opt(text)),
};

test('random bytes and strings to every export: a value or a LiftspecError with a code, never a trap', () => {
  const rounds = Number(process.env.ROUNDS ?? 3000);
  const codes = new Map();
  for (const [name, call] of Object.entries(calls)) {
    for (let i = 0; i < rounds; i += 1) {
      try {
        call();
      } catch (e) {
        assert.ok(!(e instanceof WebAssembly.RuntimeError), `${name} trapped: ${e.stack}`);
        assert.equal(typeof e.code, 'string', `${name} threw without a code: ${e}`);
        assert.equal(e.name, 'LiftspecError', `${name}: ${e}`);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
    }
  }
  assert.ok(codes.size > 25, `many distinct codes were reached: ${[...codes.keys()].join(' ')}`);
  // Still alive and right.
  const payload = L.usageSignPayload('31103301062010050007', '100072');
  assert.equal(L.parseUsageSign(payload).rescueCode, '100072');
});
