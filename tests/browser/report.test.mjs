// The city report (`liftspec city --out DIR`) opened in the system's headless Chromium: the page
// shows the map, the timeline, the credit cards and the risk lifts that report.json describes, and
// it makes no request of any kind beyond its own file (no tiles, fonts or scripts from elsewhere).
// A screenshot is kept as a test artefact.
//
// REPORT_DIR names the report's folder; ARTEFACTS where the screenshot goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const dir = resolve(process.env.REPORT_DIR ?? '../../target/browser-report');
const artefacts = resolve(process.env.ARTEFACTS ?? '../../target/test-artefacts');
const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const page_url = pathToFileURL(join(dir, 'report.html')).href;

// The flags keep Chromium's own background traffic off, so every request seen is the page's.
const flags = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

test('the city report draws its map, timeline and cards, and requests nothing', async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags });
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(page_url, { waitUntil: 'networkidle' });
    mkdirSync(artefacts, { recursive: true });
    await page.screenshot({ path: join(artefacts, 'report.png'), fullPage: true });

    assert.deepEqual(requests, [page_url], 'the page requests nothing but itself');
    assert.deepEqual(errors, []);

    // The map: a dot per lift, coloured by its risk triggers; an ✕ per entrapment; the
    // districts' built-up cores; the crews' stations.
    const map = page.locator('svg#city-map');
    assert.equal(await map.locator('circle.lift').count(), report.map.lifts.length);
    assert.equal(await map.locator('path.entrapment').count(), report.map.entrapments.length);
    assert.ok(report.map.entrapments.length > 0, 'the run has entrapments to draw');
    assert.equal(await map.locator('circle.built-up').count(), report.map.districts.length);
    assert.equal(await map.locator('rect.station').count(), report.map.stations.length);
    const risky = report.map.lifts.filter((l) => l.triggers > 0).length;
    assert.equal(await map.locator('circle.lift:not([data-triggers="0"])').count(), risky);
    const box = await map.boundingBox();
    assert.ok(box.width > 500 && box.height > 200, `the map is drawn large: ${JSON.stringify(box)}`);

    // The timeline: traffic per minute and one bar per rescue against its limit.
    assert.equal(await page.locator('svg#timeline-traffic polyline.frames').count(), 1);
    assert.equal(await page.locator('svg#timeline-rescues g.rescue').count(), report.timeline.rescues.length);
    const within = report.timeline.rescues.filter((r) => r.withinLimit).length;
    assert.equal(await page.locator('g.rescue[data-within-limit="true"]').count(), within);

    // A credit card per unit, with its grade and its largest deductions and their clauses.
    const cards = page.locator('.credit-card');
    assert.equal(await cards.count(), report.creditCards.length);
    for (const [i, card] of report.creditCards.entries()) {
      const text = await cards.nth(i).innerText();
      assert.ok(text.includes(card.grade), text);
      for (const d of card.deductions) assert.ok(text.includes(d.clause), `${d.clause} on ${text}`);
    }

    // The risk lifts, each with its clauses.
    const rows = page.locator('#risk-lifts tr');
    assert.equal(await rows.count(), report.topRisk.length + 1);
    const table = await page.locator('#risk-lifts').innerText();
    for (const l of report.topRisk) {
      assert.ok(table.includes(l.lift));
      for (const t of l.triggers) assert.ok(table.includes(t), t);
    }
  } finally {
    await browser.close();
  }
});
