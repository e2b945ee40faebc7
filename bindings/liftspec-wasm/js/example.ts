// The package's API used from TypeScript; `tsc --strict --noEmit` checks it against the types
// generated from the Rust types (scripts/test-wasm). It is the README's example, grown.
import init, {
  decodeFrame, frameFromHex, FrameValidator, inspectFrameFile, replayFrameFile, parseUsageSign,
  LiftCards, rescueReportRequest, checkIdentifier, explainCredit, screenRisk, liftFaultCodes,
  type FrameInfo, type InstallationContext, type Inspection, type LiftCardView, type PlatformRequest,
  type ReplayResult, type RiskFinding, type CreditExplanation, type FaultCode, type SendTime,
  validateFrame,
} from 'liftspec';

/** A LiftspecError's extra members. */
interface LiftspecError extends Error { code: string; offset?: number; position?: number; path?: string }

export async function run(statusHex: string, snapshotJson: string, payload: string): Promise<string[]> {
  await init();
  const out: string[] = [];
  const bytes: Uint8Array = frameFromHex(statusHex);
  const frame: FrameInfo = decodeFrame(bytes);
  out.push(`${frame.kind} ${frame.device} #${frame.seq} at ${new Date(frame.sentAtMs).toISOString()}`);

  const lift: InstallationContext = { lowestFloor: -2, highestFloor: 30, ratedSpeedMmS: 2500 };
  const grade: SendTime = validateFrame(bytes, { ...lift, nowMs: Date.now() });
  if (grade.grade === 'ahead') out.push(`clock ahead by ${grade.byMs} ms`);
  const validator = new FrameValidator(lift);
  try {
    validator.check(bytes.subarray(0, 20));
  } catch (e) {
    const err = e as LiftspecError;
    out.push(`${err.code} at byte ${err.offset ?? '?'}`);
  }

  const file: Inspection = inspectFrameFile(new TextEncoder().encode(`${statusHex}\n`), lift);
  out.push(`${file.valid}/${file.frames.length} valid (${file.format})`);
  const replay: ReplayResult = replayFrameFile('', bytes, undefined);
  out.push(`${replay.episodes.length} episodes, ${replay.skipped.length} skipped`);

  const sign = parseUsageSign(payload);
  const cards = new LiftCards(snapshotJson);
  const view: LiftCardView = cards.scan(payload);
  out.push(`${sign.registrationCode}: maintenance ${view.maintenance}, next due ${view.card.nextMaintenanceDue ?? 'unknown'}`);
  const request: PlatformRequest = rescueReportRequest(payload, 2, undefined, crypto.randomUUID());
  out.push(`${request.method} ${request.path} ${request.headers['Idempotency-Key']}`);

  out.push(checkIdentifier('creditCode', '91330105256G7JX98A'));
  const codes: FaultCode[] = liftFaultCodes();
  out.push(codes.map((c) => `${c.code} ${c.label}`).join(', '));
  const risk: RiskFinding[] = screenRisk('', '2026-12-06', undefined);
  out.push(`${risk.length} risk findings`);
  const credit: CreditExplanation = explainCredit('91330105256G7JX98A', 2025, '', undefined, 10);
  out.push(`${credit.grade} ${credit.score}`);
  return out;
}
