// The citizen page and the vendor frame inspector in the system's headless Chromium, on good
// and bad inputs. SITE is the served folder (pages + the web build in pkg/ + lift-cards.json),
// FIXTURE a recorded city (frames.bin, installations.jsonl, detect.jsonl from `liftspec
// detect`), ARTEFACTS where a failing test's screenshot goes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM } from './serve.mjs';

const site = resolve(process.env.SITE ?? '../../../target/wasm-site');
const fixture = resolve(process.env.FIXTURE ?? '../../../target/wasm-fixture');
const artefacts = resolve(process.env.ARTEFACTS ?? '../../../target/test-artefacts');
const snapshot = JSON.parse(readFileSync(join(site, 'lift-cards.json'), 'utf8'));
let server;
let browser;

before(async () => {
  server = await serve(site);
  browser = await chromium.launch(CHROMIUM);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens `page` and runs `body`; on failure keeps a screenshot named after the test. */
async function withPage(name, path, body) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${server.url}/${path}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await body(page);
    assert.deepEqual(errors, [], 'no uncaught errors on the page');
  } catch (e) {
    mkdirSync(artefacts, { recursive: true });
    await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true });
    throw e;
  } finally {
    await page.close();
  }
}

// A lift with maintenance on record, and its sign as the QR code carries it. The payload is
// made by the module itself in node (the same code), so the test does not re-implement it.
const { usageSignPayload } = await import(resolve(site, '../npm/liftspec/node/liftspec_wasm.js'));
const lift = snapshot.cards.find((c) => c.lastMaintenance && c.rescueCode);
const payload = usageSignPayload(lift.registrationCode, lift.rescueCode);

test('citizen: a scanned sign shows the lift, its due dates, and the three requests', async () => {
  await withPage('citizen-good', 'citizen.html', async (page) => {
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'Chinese first');
    await page.fill('#payload', payload);
    await page.click('#lookup');
    await page.waitForSelector('#lift:not([hidden])');
    assert.equal(await page.textContent('dd[data-field="registrationCode"]'), lift.registrationCode);
    assert.ok((await page.textContent('dd[data-field="lastMaintenance"]')).startsWith(lift.lastMaintenance));
    assert.ok((await page.textContent('dd[data-field="nextMaintenanceDue"]')).startsWith(lift.nextMaintenanceDue));
    const due = await page.getAttribute('dd[data-field="nextMaintenanceDue"] .badge', 'data-due');
    const expected = lift.nextMaintenanceDue < snapshot.asOf ? 'overdue' : 'inTime';
    assert.equal(due, expected, `due ${lift.nextMaintenanceDue} as of ${snapshot.asOf}`);
    assert.ok((await page.textContent('#sources')).includes('Art. 31'));

    await page.fill('#trapped input[name="persons"]', '3');
    await page.fill('#trapped input[name="floor"]', '7');
    await page.click('#trapped button');
    let request = await page.textContent('#request');
    assert.ok(request.startsWith('POST /v1/rescue/reports\n'), request);
    const body = JSON.parse(request.split('\n\n')[1]);
    assert.deepEqual(body, { signPayload: payload, persons: 3, floor: 7 });
    assert.match(request, /Idempotency-Key: [0-9a-f-]{36}/);

    await page.selectOption('#fault select', '2');
    await page.click('#fault button');
    request = await page.textContent('#request');
    assert.ok(request.startsWith(`POST /v1/lifts/${lift.registrationCode}/faults\n`), request);
    assert.deepEqual(JSON.parse(request.split('\n\n')[1]), { code: 2 });

    await page.selectOption('#complaint select', 'maintenance');
    await page.click('#complaint button');
    request = await page.textContent('#request');
    assert.deepEqual(JSON.parse(request.split('\n\n')[1]), { lift: lift.registrationCode, category: 'maintenance' });

    await page.click('#lang');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#lift h2'), 'The lift');
    assert.ok((await page.textContent('#lift')).includes('Next maintenance due by'));
  });
});

test('citizen: a tampered sign shows its check error at its character, not a blank page', async () => {
  await withPage('citizen-tampered', 'citizen.html?lang=en', async (page) => {
    const rescue = lift.rescueCode;
    const other = rescue.slice(0, -1) + (rescue.endsWith('1') ? '2' : '1');
    await page.fill('#payload', payload.replace(`*${rescue}*`, `*${other}*`));
    await page.click('#lookup');
    await page.waitForSelector('#error:not([hidden])');
    assert.equal(await page.textContent('#error code.code'), 'usage_sign.check');
    assert.ok(await page.isHidden('#lift'));
    assert.equal(await page.textContent('#error mark'), payload.split('*')[3][0], 'the check is marked');

    await page.fill('#payload', 'not a sign');
    await page.click('#lookup');
    assert.equal(await page.textContent('#error code.code'), 'usage_sign.shape');
  });
});

/** Hex of bytes. */
const hex = (b) => Buffer.from(b).toString('hex');

test('inspector: a file of hex lines lists every frame, and a corrupted one shows its offset', async () => {
  const status = readFileSync(join(fixture, 'status.hex'), 'utf8').trim();
  const bytes = Buffer.from(status, 'hex');
  const truncated = hex(bytes.subarray(0, 30));
  const file = join(artefacts, 'inspector-input.hex');
  mkdirSync(artefacts, { recursive: true });
  writeFileSync(file, `${status}\n${truncated}\n${status}\n`);
  await withPage('inspector-hex', 'inspector.html', async (page) => {
    await page.setInputFiles('#file', file);
    await page.waitForSelector('body[data-inspected="true"]');
    assert.equal(await page.locator('#frames tbody tr').count(), 3);
    assert.equal(await page.locator('#frames tbody tr.invalid').count(), 1);
    assert.match(await page.textContent('#summary'), /3 frames \(hex\): 2 valid, 1 invalid/);
    await page.click('#frames tbody tr.invalid');
    const code = await page.textContent('#detail-error code.code');
    assert.ok(code.startsWith('decode.'), code);
    const where = await page.textContent('#detail-error .where');
    const offset = Number(/byte offset (\d+)/.exec(where)[1]);
    const marked = await page.locator('#hex .b.fail, #hex .fail-end').count();
    assert.equal(marked, 1, 'the failing byte (or the end it ran past) is marked');
    if (offset < 30) assert.equal(await page.getAttribute('#hex .b.fail', 'data-offset'), String(offset));
  });
});

test('inspector: a frame out of the installation shows the failing field', async () => {
  const status = readFileSync(join(fixture, 'status.hex'), 'utf8').trim();
  const file = join(artefacts, 'inspector-floor.hex');
  writeFileSync(file, `${status}\n`);
  await withPage('inspector-floor', 'inspector.html', async (page) => {
    await page.fill('#highest', '3'); // the vector's car is on floor 7
    await page.press('#highest', 'Tab'); // committed, as a user leaving the field
    await page.setInputFiles('#file', file);
    await page.waitForSelector('body[data-inspected="true"]');
    await page.click('#frames tbody tr.invalid');
    assert.match(await page.textContent('#detail-error .where'), /field body\.status\.floor/);
    assert.match(await page.textContent('#json .json-line.fail'), /"floor": 7/);
  });
});

test('inspector: the detectors over a recorded city list what `liftspec detect` lists', async () => {
  const expected = readFileSync(join(fixture, 'detect.jsonl'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l)).filter((l) => l.episode).map((l) => `${l.episode.device} ${l.episode.kind}`);
  assert.ok(expected.length > 0, 'the fixture city has detections');
  await withPage('inspector-detect', 'inspector.html', async (page) => {
    await page.setInputFiles('#file', join(fixture, 'frames.bin'));
    await page.waitForSelector('body[data-inspected="true"]', { timeout: 60000 });
    assert.match(await page.textContent("#summary"), /frames \(stream\)/);
    await page.setInputFiles('#installations', join(fixture, 'installations.jsonl'));
    await page.click('#detect');
    await page.waitForSelector('body[data-detected="true"]', { timeout: 60000 });
    const got = await page.$$eval('li.detection', (lis) => lis.map((li) => `${li.dataset.device} ${li.dataset.kind}`));
    assert.deepEqual(got, expected);
    const evidence = await page.textContent('li.detection .evidence');
    assert.ok(evidence.length > 0, 'each detection shows its evidence');
  });
});
