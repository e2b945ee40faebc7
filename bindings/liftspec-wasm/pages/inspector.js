// The vendor frame inspector: a dropped recording is split, decoded and validated frame by frame
// by liftspec's WebAssembly module; an invalid frame opens a hex view with the failing byte (or
// the JSON form with the failing field) highlighted; the detectors run over the whole file.
// This script only draws.
import init, { inspectFrameFile, replayFrameFile } from './pkg/liftspec_wasm.js';

const $ = (id) => document.getElementById(id);
const SHOWN = 2000; // rows drawn at once; the summary counts them all
let data = null;
let inspection = null;

function installation() {
  return {
    lowestFloor: Number($('lowest').value),
    highestFloor: Number($('highest').value),
    ratedSpeedMmS: Number($('speed').value),
  };
}

const iso = (ms) => { try { return new Date(ms).toISOString().replace('T', ' ').replace('Z', ''); } catch { return String(ms); } };

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (cls) td.className = cls;
  tr.append(td);
}

function drawTable() {
  const body = $('frames').tBodies[0];
  body.replaceChildren();
  const onlyInvalid = $('only-invalid').checked;
  let drawn = 0;
  let matching = 0;
  inspection.frames.forEach((item, i) => {
    if (onlyInvalid && !item.error) return;
    matching += 1;
    if (drawn >= SHOWN) return;
    drawn += 1;
    const tr = document.createElement('tr');
    tr.className = item.error ? 'invalid' : 'valid';
    tr.dataset.index = i;
    const f = item.frame;
    cell(tr, String(i + 1));
    cell(tr, item.place.text);
    cell(tr, f?.kind);
    cell(tr, f?.device);
    cell(tr, f ? String(f.seq) : '');
    cell(tr, f ? iso(f.sentAtMs) : '');
    cell(tr, item.error ? item.error.code : 'valid', 'status');
    tr.onclick = () => showDetail(i, tr);
    body.append(tr);
  });
  $('more').textContent = matching > drawn ? `${matching - drawn} more not drawn (the first ${SHOWN} are).` : '';
}

function showDetail(i, tr) {
  for (const el of document.querySelectorAll('tr.selected')) el.classList.remove('selected');
  tr.classList.add('selected');
  const item = inspection.frames[i];
  $('detail').hidden = false;
  $('detail-title').textContent = `Frame ${i + 1} — ${item.place.text}`;
  const err = $('detail-error');
  if (item.error) {
    err.hidden = false;
    err.replaceChildren();
    const code = document.createElement('code');
    code.className = 'code';
    code.textContent = item.error.code;
    const where = document.createElement('span');
    where.className = 'where';
    where.textContent = item.error.offset !== undefined ? ` at byte offset ${item.error.offset}`
      : item.error.path ? ` at field ${item.error.path}` : '';
    const reason = document.createElement('div');
    reason.textContent = item.error.reason;
    err.append(code, where, reason);
  } else {
    err.hidden = true;
  }
  drawHex(item.hex ?? '', item.error?.offset);
  drawJson(item.frame?.json, item.error?.path);
  $('detail').scrollIntoView({ block: 'nearest' });
}

function drawHex(hex, failAt) {
  const box = $('hex');
  box.replaceChildren();
  const bytes = hex.match(/../g) ?? [];
  for (let row = 0; row < bytes.length || (row === 0 && failAt !== undefined); row += 16) {
    const line = document.createElement('div');
    line.className = 'row';
    const at = document.createElement('span');
    at.className = 'at';
    at.textContent = row.toString(16).padStart(4, '0');
    line.append(at);
    const cells = document.createElement('span');
    for (let i = row; i < Math.min(row + 16, bytes.length); i += 1) {
      const b = document.createElement('span');
      b.className = i === failAt ? 'b fail' : 'b';
      b.dataset.offset = i;
      b.textContent = bytes[i];
      cells.append(b);
    }
    line.append(cells);
    box.append(line);
    if (bytes.length === 0) break;
  }
  if (failAt !== undefined && failAt >= bytes.length) {
    const end = document.createElement('div');
    end.className = 'row fail-end';
    end.textContent = `the frame ends at byte ${bytes.length}; the decoder needed byte ${failAt}`;
    box.append(end);
  }
}

function drawJson(json, path) {
  const pre = $('json');
  pre.replaceChildren();
  if (json === undefined) { pre.textContent = '(the frame does not decode)'; return; }
  // The failing field: the last name of the path (`body.status.floor` → "floor").
  const field = path ? path.split('.').pop().replace(/\[\d+\]$/, '') : null;
  for (const text of JSON.stringify(json, null, 2).split('\n')) {
    const line = document.createElement('div');
    line.className = field && text.trimStart().startsWith(`"${field}"`) ? 'json-line fail' : 'json-line';
    line.textContent = text;
    pre.append(line);
  }
}

async function load(file) {
  data = new Uint8Array(await file.arrayBuffer());
  inspect();
}

function inspect() {
  if (!data) return;
  inspection = inspectFrameFile(data, installation());
  const invalid = inspection.frames.length - inspection.valid;
  $('summary').textContent = `${inspection.frames.length} frames (${inspection.format}): ${inspection.valid} valid, ${invalid} invalid`;
  $('detail').hidden = true;
  drawTable();
  $('detect').disabled = false;
  document.body.dataset.inspected = 'true';
}

async function detect() {
  const file = $('installations').files[0];
  const list = $('detections');
  list.replaceChildren();
  if (!file) { $('detect-summary').textContent = 'Choose the installations file first (JSON lines).'; return; }
  try {
    const result = replayFrameFile(await file.text(), data, undefined);
    $('detect-summary').textContent = `${result.frames} frames replayed: ${result.episodes.length} detections, ${result.notices.length} notices, ${result.skipped.length} items skipped`;
    for (const e of result.episodes) {
      const li = document.createElement('li');
      li.className = 'detection';
      li.dataset.kind = e.kind;
      li.dataset.device = e.device;
      const head = document.createElement('strong');
      head.textContent = `${e.kind} (${e.severity})`;
      const where = document.createElement('div');
      where.textContent = `${e.device}${e.registrationCode ? ` · ${e.registrationCode}` : ''} · raised ${iso(e.raisedAtMs)}${e.clearedAtMs !== undefined ? ` · cleared ${iso(e.clearedAtMs)}` : ' · still open'}`;
      const source = document.createElement('div');
      source.className = 'muted';
      source.textContent = e.source;
      const evidence = document.createElement('div');
      evidence.className = 'evidence';
      evidence.textContent = (e.detection.evidence ?? []).map((x) => `${x.field} = ${x.value} @ ${x.at}`).join('; ');
      li.append(head, where, source, evidence);
      list.append(li);
    }
  } catch (e) {
    $('detect-summary').textContent = `${e.code ?? 'error'}: ${e.message}`;
  }
  document.body.dataset.detected = 'true';
}

async function main() {
  await init();
  $('file').onchange = (ev) => ev.target.files[0] && load(ev.target.files[0]);
  const drop = $('drop');
  drop.ondragover = (ev) => { ev.preventDefault(); drop.classList.add('over'); };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (ev) => { ev.preventDefault(); drop.classList.remove('over'); if (ev.dataTransfer.files[0]) load(ev.dataTransfer.files[0]); };
  for (const id of ['lowest', 'highest', 'speed']) $(id).onchange = inspect;
  $('only-invalid').onchange = () => inspection && drawTable();
  $('detect').onclick = detect;
  document.body.dataset.ready = 'true';
}

main();
