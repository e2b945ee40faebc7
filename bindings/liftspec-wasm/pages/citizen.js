// The citizen's page (implementation opinions item 10, 扫一扫): a scanned or pasted usage-sign
// payload opens the lift's card from the platform's published snapshot (lift-cards.json, see
// liftspec_api::card), and three actions build the requests the platform's API takes. Every
// rule runs in liftspec's WebAssembly module; this script only draws.
import init, { LiftCards, liftFaultCodes, rescueReportRequest, faultReportRequest, complaintRequest }
  from './pkg/liftspec_wasm.js';

const TEXT = {
  zh: {
    title: '扫一扫 · 电梯使用标志', scanTitle: '扫描或粘贴电梯使用标志上的二维码内容', lookup: '查询',
    camera: '用摄像头扫描', liftTitle: '电梯信息', actTitle: '我要', trapped: '困人报警 (96333)',
    persons: '被困人数', floor: '楼层', build: '生成请求', fault: '故障报修', faultCode: '故障类型',
    complaint: '投诉', category: '投诉类别', frequentFaults: '故障频发', rescueCat: '救援不及时',
    maintenanceCat: '维保不到位', outOfService: '长期停用', other: '其他', requestTitle: '发往平台的请求',
    registrationCode: '注册代码', rescueCode: '救援识别码', kind: '设备类别', address: '地址',
    district: '区县', useUnit: '使用单位', maintenanceUnit: '维保单位', commissionedOn: '投入使用日期',
    lastMaintenance: '最近维保', nextMaintenanceDue: '下次维保截止', lastInspection: '最近定期检验',
    lastInspectionResult: '检验结论', nextInspectionDue: '检验有效期至', inspectionRequestBy: '最迟申报检验日期',
    overdue: '已逾期', inTime: '按期', unknown: '无记录', none: '—', snapshot: '数据截至 {date}，共 {n} 台电梯',
    snapshotFailed: '无法读取平台发布的电梯数据', errorTitle: '无法识别', position: '第 {p} 个字符',
    errorHint: '请核对二维码内容或重新扫描。',
    codes: {
      'usage_sign.check': '校验码不符：内容被改动或扫描有误',
      'usage_sign.shape': '不是电梯使用标志的二维码',
      'api.unknown_lift': '平台没有这台电梯的记录',
      'api.rescue_code_mismatch': '救援识别码与平台记录不一致（可能是旧标志或伪造标志）',
    },
  },
  en: {
    title: 'Scan · lift usage sign', scanTitle: "Scan or paste the QR code of the lift's usage sign",
    lookup: 'Look up', camera: 'Scan with the camera', liftTitle: 'The lift', actTitle: 'I want to',
    trapped: 'Report trapped passengers (96333)', persons: 'People trapped', floor: 'Floor',
    build: 'Build the request', fault: 'Report a fault', faultCode: 'Fault', complaint: 'File a complaint',
    category: 'About', frequentFaults: 'Frequent faults', rescueCat: 'Slow rescue',
    maintenanceCat: 'Poor maintenance', outOfService: 'Out of service too long', other: 'Other',
    requestTitle: 'The request sent to the platform', registrationCode: 'Registration code',
    rescueCode: 'Rescue code', kind: 'Equipment', address: 'Address', district: 'District',
    useUnit: 'Use unit', maintenanceUnit: 'Maintenance unit', commissionedOn: 'In service since',
    lastMaintenance: 'Last maintenance', nextMaintenanceDue: 'Next maintenance due by',
    lastInspection: 'Last periodic inspection', lastInspectionResult: 'Result',
    nextInspectionDue: 'Inspection valid until', inspectionRequestBy: 'Request the inspection by',
    overdue: 'overdue', inTime: 'in time', unknown: 'no record', none: '—',
    snapshot: 'Records as of {date}, {n} lifts', snapshotFailed: "The platform's lift data could not be read",
    errorTitle: 'Not recognised', position: 'character {p}',
    errorHint: 'Check the code or scan it again.',
    codes: {
      'usage_sign.check': 'The check does not match: the code was changed or misread',
      'usage_sign.shape': "This is not a lift usage sign's code",
      'api.unknown_lift': 'The platform has no record of this lift',
      'api.rescue_code_mismatch': "The rescue code differs from the platform's (an old or forged sign)",
    },
  },
};

const params = new URLSearchParams(location.search);
let lang = params.get('lang') === 'en' ? 'en' : 'zh';
const $ = (id) => document.getElementById(id);
const t = (key, vars = {}) => (TEXT[lang][key] ?? key).replace(/\{(\w+)\}/g, (_, k) => vars[k]);
let cards = null;
let current = null; // { payload, view }
let faultCodes = [];

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  const select = document.querySelector('#fault select');
  select.replaceChildren(...faultCodes.map((f) => new Option(`${String(f.code).padStart(2, '0')} ${f.label}`, f.code)));
  if (cards) $('snapshot').textContent = t('snapshot', { date: cards.asOf, n: cards.length });
  if (current) showCard(current.view);
}

function showError(e, payload) {
  const box = $('error');
  const code = e.code ?? 'error';
  const explained = TEXT[lang].codes[code];
  box.replaceChildren();
  const title = document.createElement('strong');
  title.textContent = `${t('errorTitle')}: `;
  const codeEl = document.createElement('code');
  codeEl.className = 'code';
  codeEl.textContent = code;
  const reason = document.createElement('div');
  reason.className = 'reason';
  reason.textContent = explained ? `${explained} (${e.reason ?? e.message})` : (e.reason ?? e.message);
  box.append(title, codeEl, reason);
  if (e.position && payload) {
    // The failing character of the payload (the error's position counts in the payload).
    const chars = [...payload];
    const i = e.position - 1;
    const where = document.createElement('div');
    where.className = 'payload';
    const mark = document.createElement('mark');
    mark.textContent = chars[i] ?? '';
    where.append(chars.slice(0, i).join(''), mark, chars.slice(i + 1).join(''));
    const pos = document.createElement('div');
    pos.className = 'position';
    pos.textContent = t('position', { p: e.position });
    box.append(where, pos);
  }
  const hint = document.createElement('div');
  hint.textContent = t('errorHint');
  box.append(hint);
  box.hidden = false;
  $('lift').hidden = true;
  $('act').hidden = true;
}

function row(dl, key, value, due) {
  const dt = document.createElement('dt');
  dt.textContent = t(key);
  const dd = document.createElement('dd');
  dd.dataset.field = key;
  dd.textContent = value ?? t('none');
  if (due) {
    const badge = document.createElement('span');
    badge.className = `badge ${due}`;
    badge.dataset.due = due;
    badge.textContent = t(due);
    dd.append(badge);
  }
  dl.append(dt, dd);
}

function showCard(view) {
  const c = view.card;
  const dl = $('card');
  dl.replaceChildren();
  for (const key of ['registrationCode', 'rescueCode', 'kind', 'address', 'district', 'useUnit',
    'maintenanceUnit', 'commissionedOn', 'lastMaintenance']) row(dl, key, c[key]);
  row(dl, 'nextMaintenanceDue', c.nextMaintenanceDue, view.maintenance);
  for (const key of ['lastInspection', 'lastInspectionResult']) row(dl, key, c[key]);
  row(dl, 'nextInspectionDue', c.nextInspectionDue, view.inspection);
  row(dl, 'inspectionRequestBy', c.inspectionRequestBy);
  $('sources').textContent = c.sources.join(' · ');
  $('error').hidden = true;
  $('lift').hidden = false;
  $('act').hidden = false;
}

function lookup() {
  const payload = $('payload').value.trim();
  $('request-box').hidden = true;
  try {
    const view = cards.scan(payload);
    current = { payload, view };
    showCard(view);
  } catch (e) {
    current = null;
    showError(e, payload);
  }
}

function showRequest(build) {
  try {
    const r = build(crypto.randomUUID());
    const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
    $('request').textContent = `${r.method} ${r.path}\n${headers}\n\n${r.body}`;
    $('request-box').hidden = false;
  } catch (e) {
    showError(e, current?.payload);
  }
}

const floorOf = (form) => (form.floor.value === '' ? undefined : Number(form.floor.value));

async function main() {
  await init();
  faultCodes = liftFaultCodes();
  applyLanguage();
  $('lang').onclick = () => { lang = lang === 'zh' ? 'en' : 'zh'; applyLanguage(); };
  try {
    const res = await fetch(params.get('cards') ?? 'lift-cards.json');
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    cards = new LiftCards(await res.text());
    $('snapshot').textContent = t('snapshot', { date: cards.asOf, n: cards.length });
  } catch (e) {
    $('snapshot').textContent = `${t('snapshotFailed')}: ${e.code ?? ''} ${e.message}`;
    $('lookup').disabled = true;
    return;
  }
  $('lookup').onclick = lookup;
  $('payload').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); lookup(); } });
  $('trapped').onsubmit = (ev) => {
    ev.preventDefault();
    const f = ev.target;
    showRequest((key) => rescueReportRequest(current.payload, Number(f.persons.value), floorOf(f), key));
  };
  $('fault').onsubmit = (ev) => {
    ev.preventDefault();
    const f = ev.target;
    showRequest((key) => faultReportRequest(current.view.card.registrationCode, Number(f.code.value), floorOf(f), key));
  };
  $('complaint').onsubmit = (ev) => {
    ev.preventDefault();
    showRequest((key) => complaintRequest(current.view.card.registrationCode, undefined, ev.target.category.value, key));
  };
  if ('BarcodeDetector' in window) {
    $('camera').hidden = false;
    $('camera').onclick = scanWithCamera;
  }
  if (params.get('sign')) { $('payload').value = params.get('sign'); lookup(); }
  document.body.dataset.ready = 'true';
}

async function scanWithCamera() {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  const video = document.createElement('video');
  video.srcObject = stream;
  await video.play();
  const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
  for (;;) {
    const [code] = await detector.detect(video);
    if (code) { $('payload').value = code.rawValue; break; }
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const track of stream.getTracks()) track.stop();
  lookup();
}

main();
