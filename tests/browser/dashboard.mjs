// The dashboard in a real browser (Chromium through playwright-core; never downloads one).
//
// Env: CORRIDOR_URL (base URL of a running `corridor serve`), ANALYST_TOKEN, OPERATOR_TOKEN,
// PARTICIPANT_TOKEN, PARTICIPANT_PARTY, ARTIFACTS (screenshot directory), CHROMIUM (the
// browser, default /usr/bin/chromium). Exits non-zero with a message on the first failure.
// Run by .ci/browser.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const OVERALL_MS = 140_000;
const STEP_MS = 20_000;

function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`FAIL: set ${name}`);
    process.exit(2);
  }
  return value;
}

const BASE = env('CORRIDOR_URL').replace(/\/+$/, '');
const ANALYST = env('ANALYST_TOKEN');
const OPERATOR = env('OPERATOR_TOKEN');
const PARTICIPANT = env('PARTICIPANT_TOKEN');
const PARTY = env('PARTICIPANT_PARTY');
const ARTIFACTS = env('ARTIFACTS', 'browser-artifacts');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
// The shipped what-if scenarios (the same files GET /api/v1/simulate/example runs).
const SCENARIOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../crates/corridor-simulate/data');

fs.mkdirSync(ARTIFACTS, { recursive: true });

const overall = setTimeout(() => {
  console.error(`FAIL: the browser test took more than ${OVERALL_MS / 1000} s`);
  process.exit(3);
}, OVERALL_MS);
overall.unref();

const pageErrors = [];
let current = null; // the page of the running step, for a screenshot on failure
let stepName = '';
let passed = 0;

async function step(name, fn) {
  stepName = name;
  const started = Date.now();
  await fn();
  passed += 1;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
}

/** GET an API route as `token`; fails the test on a non-2xx answer. */
async function apiGet(route, token) {
  const res = await fetch(BASE + route, { headers: { Authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.ok(res.ok, `GET ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

async function open(browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`));
  // Console errors too (a CSP violation is one), except the browser's note on an HTTP error
  // status: some steps make the API refuse on purpose.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) {
      pageErrors.push(`console: ${msg.text()}`);
    }
  });
  current = page;
  await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
  return { context, page };
}

async function signIn(page, token) {
  await page.waitForSelector('#token', { state: 'visible' });
  await page.fill('#token', token);
  await page.click('#signin');
  await page.waitForSelector('#signout', { state: 'visible' });
}

async function navTargets(page) {
  return page.$$eval('nav a', (links) => links
    .filter((a) => a.offsetParent !== null)
    .map((a) => a.getAttribute('href')));
}

async function go(page, name) {
  await page.click(`nav a[href="#${name}"]`);
  await page.waitForSelector(`section[data-page="${name}"]:not([hidden])`);
  await page.waitForFunction((n) => !document.querySelector(`section[data-page="${n}"]`).hasAttribute('aria-busy'), name);
}

const bars = (page, chart) => page.locator(`svg[data-chart="${chart}"] rect.bar`).count();
const series = (page, chart, shape) => page.$$eval(`svg[data-chart="${chart}"] ${shape}[data-series]`,
  (nodes) => [...new Set(nodes.map((n) => n.getAttribute('data-series')))]);
/** The state of a crossing's day in the week grid. */
const dayState = (page, crossing, date) => page.getAttribute(
  `table[data-table="crossings-week"] tr[data-crossing="${crossing}"] td[data-date="${date}"]`, 'data-state');
/** A scenario file for an <input type="file">. */
const scenarioFile = (name) => ({ name, mimeType: 'text/plain', buffer: fs.readFileSync(path.join(SCENARIOS, name)) });
const chartTexts = (page, chart) => page.$$eval(`svg[data-chart="${chart}"] text`, (nodes) => nodes.map((n) => n.textContent).join(' '));
const bodyText = (page) => page.evaluate(() => document.body.textContent);

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
  try {
    // ---------------------------------------------------------------- analyst
    const overview = await apiGet('/api/v1/dashboard/overview', ANALYST);
    const analyst = await open(browser);
    const page = analyst.page;

    await step('analyst signs in; Overview charts match the API', async () => {
      await signIn(page, ANALYST);
      await page.waitForSelector('section[data-page="overview"]:not([hidden]) svg[data-chart="monthly"]');
      const expected = overview.months.length + overview.previous_year_months.length;
      assert.ok(expected > 0, 'the overview API returned no monthly figures');
      assert.equal(await bars(page, 'monthly'), expected,
        `monthly chart: bars != months (${overview.months.length}) + previous_year_months (${overview.previous_year_months.length})`);
      assert.equal(await page.locator('svg[data-chart="target-gauge"]').count(), overview.targets.length,
        'one target-gauge per target');
      const texts = await chartTexts(page, 'monthly');
      assert.match(texts, /Ordibehesht/, 'monthly chart: English month names as SVG text');
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
      const nav = await navTargets(page);
      assert.deepEqual(nav, ['#overview', '#partners', '#sectors', '#crossings'], `analyst nav: ${nav}`);
      assert.equal(await page.locator('nav a[href="#settlement"]').count(), 0, 'analyst must not see Settlement');
      await shot(page, 'overview-en.png');
    });

    await step('Partners chart has a bar per partner', async () => {
      await go(page, 'partners');
      await page.waitForSelector('svg[data-chart="partners"]');
      const period = await page.inputValue('#partners-year');
      const flow = await page.inputValue('#partners-flow');
      const top = await page.inputValue('#partners-top');
      const data = await apiGet('/api/v1/trade/partners?' + qs({ reporter: overview.reporter, period, flow, top }), ANALYST);
      assert.ok(data.partners.length > 0, `no partners for ${overview.reporter} in ${period}`);
      assert.equal(await bars(page, 'partners'), data.partners.length, 'partners chart: bars != partners.length');
      await shot(page, 'partners-en.png');
    });

    for (const [name, group] of [['sectors', 'sector'], ['crossings', 'crossing']]) {
      await step(`${name[0].toUpperCase() + name.slice(1)} chart has a bar per report row`, async () => {
        await go(page, name);
        const year = await page.inputValue(`#${name}-year`);
        const flow = await page.inputValue(`#${name}-flow`);
        const data = await apiGet('/api/v1/trade/report?' + qs({
          reporter: overview.reporter, partner: overview.partner, by: 'solar-year', from: year, to: year, group, flow,
        }), ANALYST);
        assert.ok(data.rows.length > 0, `no ${group} rows for ${year}`);
        await page.waitForSelector(`svg[data-chart="${name}"]`);
        assert.equal(await bars(page, name), data.rows.length, `${name} chart: bars != rows.length (${year})`);
        await shot(page, `${name}-en.png`);
      });
    }

    // ---------------------------------------------------------------- crossings
    await step('Crossings: the week grid has a row per crossing and seven days', async () => {
      await go(page, 'crossings');
      const week = await apiGet('/api/v1/crossings/status?days=7', ANALYST);
      assert.ok(week.crossings.length > 0, 'the crossings status API returned no crossings');
      await page.waitForSelector(`table[data-table="crossings-week"][data-from="${week.from}"]`);
      const rows = page.locator('table[data-table="crossings-week"] tbody tr[data-crossing]');
      assert.equal(await rows.count(), week.crossings.length, 'a row per crossing');
      assert.equal(await page.locator('table[data-table="crossings-week"] thead th[data-date]').count(), 7, 'seven days');
      assert.equal(await rows.first().locator('td[data-state]').count(), 7, 'seven cells in a row');
      const head = await page.textContent(`table[data-table="crossings-week"] thead th[data-date="${week.from}"]`);
      const first = week.crossings[0].days[0];
      assert.ok(head.includes(first.weekday), `the first day's header names its weekday (${first.weekday}): ${head}`);
      assert.ok(head.includes(week.from), `the first day's header has its Gregorian date: ${head}`);
      assert.match(head, /(Farvardin|Ordibehesht|Khordad|Tir|Mordad|Shahrivar|Mehr|Aban|Azar|Dey|Bahman|Esfand) \d{4}/,
        `the first day's header has its Solar Hijri date: ${head}`);
    });

    await step('Crossings: on 2020-06-08 Mehran is open Mon and Wed, closed Tue, with the reason', async () => {
      await page.fill('#crossings-on', '2020-06-08');
      await page.waitForSelector('table[data-table="crossings-week"][data-from="2020-06-08"]');
      assert.equal(await dayState(page, 'mehran', '2020-06-08'), 'open', 'Mehran on Mon 2020-06-08');
      assert.equal(await dayState(page, 'mehran', '2020-06-09'), 'closed', 'Mehran on Tue 2020-06-09');
      assert.equal(await dayState(page, 'mehran', '2020-06-10'), 'open', 'Mehran on Wed 2020-06-10');
      const cell = page.locator('table[data-table="crossings-week"] tr[data-crossing="mehran"] td[data-date="2020-06-08"]');
      assert.match(await cell.textContent(), /Open.*250 trucks/, 'the open cell shows the trucks a day');
      assert.match(await cell.getAttribute('title'), /schedule \(outbreak\)/, 'the reason is the cell\'s tooltip');
      assert.match(await cell.getAttribute('aria-label'), /Mehran.*Monday.*Open.*outbreak/, 'the cell\'s accessible label');
      const head = await page.textContent('table[data-table="crossings-week"] thead th[data-date="2020-06-09"]');
      assert.match(head, /Tuesday/, 'weekday of 2020-06-09');
      assert.match(head, /20 Khordad 1399/, 'Solar Hijri date of 2020-06-09');
      await page.locator('section[data-part="week"]').screenshot({ path: path.join(ARTIFACTS, 'crossings-week-en.png') });
    });

    const example = await apiGet('/api/v1/simulate/example', ANALYST);
    await step('What-if: the example\'s months and queue charts have a series per scenario', async () => {
      const names = example.comparison.scenarios;
      assert.equal(names.length, 2, `the example has two scenarios: ${names}`);
      await page.waitForSelector('svg[data-chart="simulate-months"]');
      const values = example.comparison.months_solar_hijri.series
        .reduce((n, sr) => n + sr.value_exported_minor.filter((v) => v !== null).length, 0);
      assert.equal(await bars(page, 'simulate-months'), values, 'simulate-months: a bar per scenario and month');
      assert.deepEqual(await series(page, 'simulate-months', 'rect'), names, 'simulate-months: two series');
      await page.waitForSelector('svg[data-chart="simulate-queue"] path.line');
      assert.deepEqual(await series(page, 'simulate-queue', 'path.line'), names, 'simulate-queue: a line per scenario');
      assert.equal(await page.getAttribute('svg[data-chart="simulate-queue"]', 'role'), 'img');
      assert.match(await page.getAttribute('svg[data-chart="simulate-queue"]', 'aria-label'), /Queue per day at Mehran/);
      assert.equal(await page.locator('table[data-table="simulate-table"] tr[data-metric]').count(),
        example.comparison.table.rows.length, 'a comparison row per metric');
      const outcomes = example.comparison.targets.reduce((n, tg) => n + tg.outcomes.length, 0);
      assert.equal(await page.locator('table[data-table="simulate-targets"] tbody tr').count(), outcomes,
        'a row per target and scenario');
      // Another crossing, and the Gregorian months.
      const other = example.comparison.daily.find((d) => d.crossing !== 'mehran').crossing;
      const otherName = example.results[0].crossings.find((c) => c.id === other).name || other;
      await page.selectOption('#simulate-crossing', other);
      await page.waitForFunction((label) => {
        const svg = document.querySelector('svg[data-chart="simulate-queue"]');
        return svg && svg.getAttribute('aria-label').startsWith(label) && svg.querySelectorAll('path.line').length === 2;
      }, `Queue per day at ${otherName}`);
      await page.selectOption('#simulate-calendar', 'gregorian');
      await page.waitForFunction(() => /July|August/.test(document.querySelector('svg[data-chart="simulate-months"]').textContent));
      const gregorian = example.comparison.months_gregorian.series
        .reduce((n, sr) => n + sr.value_exported_minor.filter((v) => v !== null).length, 0);
      assert.equal(await bars(page, 'simulate-months'), gregorian, 'simulate-months (Gregorian): a bar per scenario and month');
      await page.selectOption('#simulate-calendar', 'solar');
      await page.selectOption('#simulate-crossing', 'mehran');
      await page.waitForFunction(() => /^Queue per day at Mehran/.test(document.querySelector('svg[data-chart="simulate-queue"]').getAttribute('aria-label')));
      await shot(page, 'crossings-whatif-en.png');
    });

    await step('What-if: a broken scenario file shows the API\'s message naming file and line', async () => {
      await page.setInputFiles('#simulate-file-1', {
        name: 'broken.toml', mimeType: 'text/plain', buffer: Buffer.from('name = "broken"\nnot_a_field = 1\n'),
      });
      await page.setInputFiles('#simulate-file-2', scenarioFile('all-open-daily.toml'));
      await page.click('#simulate-run');
      await page.waitForSelector('#simulate-error.is-shown');
      const message = await page.textContent('#simulate-error');
      assert.match(message, /broken\.toml:\d+/, `the error names the file and line: ${message}`);
      assert.deepEqual(await series(page, 'simulate-queue', 'path.line'), example.comparison.scenarios,
        'the example is still shown');
    });

    await step('What-if: two scenario files run side by side on the real calendars', async () => {
      await page.setInputFiles('#simulate-file-1', scenarioFile('mehran-two-days.toml'));
      await page.setInputFiles('#simulate-file-2', scenarioFile('all-open-daily.toml'));
      await page.check('#simulate-reference');
      await page.click('#simulate-run');
      await page.waitForSelector('#simulate-example');
      assert.equal(await page.isVisible('#simulate-error'), false, 'no error after a good run');
      const scenarios = await page.textContent('table[data-table="simulate-scenarios"]');
      assert.match(scenarios, /Real calendars: mehran/, `the run used the crossings' calendars: ${scenarios}`);
      assert.deepEqual(await series(page, 'simulate-months', 'rect'), example.comparison.scenarios, 'two series');
      assert.deepEqual(await series(page, 'simulate-queue', 'path.line'), example.comparison.scenarios, 'two lines');
      await shot(page, 'crossings-own-run-en.png');
      await page.click('#simulate-example');
      await page.waitForSelector('#simulate-example', { state: 'detached' });
    });

    // ---------------------------------------------------------------- languages
    await step('Persian: rtl, Persian month names and digits', async () => {
      await go(page, 'overview');
      await page.selectOption('#lang', 'fa');
      await page.waitForFunction(() => document.documentElement.lang === 'fa');
      await page.waitForSelector('svg[data-chart="monthly"]');
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      assert.match(await chartTexts(page, 'monthly'), /اردیبهشت/, 'monthly chart: Persian month names');
      const text = await bodyText(page);
      assert.match(text, /اردیبهشت/, 'page text: اردیبهشت');
      assert.match(text, /[۰-۹]/, 'page text: Persian digits');
      await shot(page, 'overview-fa.png');
      await go(page, 'partners');
      await page.waitForSelector('svg[data-chart="partners"]');
      await shot(page, 'partners-fa.png');
    });

    await step('Persian: Crossings in rtl, with Persian weekdays, Solar Hijri dates and charts', async () => {
      await go(page, 'crossings');
      await page.waitForSelector('table[data-table="crossings-week"][data-from="2020-06-08"]');
      const head = await page.textContent('table[data-table="crossings-week"] thead th[data-date="2020-06-08"]');
      assert.match(head, /دوشنبه/, `Persian weekday: ${head}`);
      assert.match(head, /۱۹ خرداد ۱۳۹۹/, `Persian Solar Hijri date: ${head}`);
      assert.equal(await dayState(page, 'mehran', '2020-06-09'), 'closed');
      assert.match(await page.textContent('table[data-table="crossings-week"] tr[data-crossing="mehran"]'), /بسته/);
      await page.waitForSelector('svg[data-chart="simulate-queue"] path.line');
      assert.match(await chartTexts(page, 'simulate-months'), /خرداد/, 'simulate-months: Persian month names');
      assert.match(await page.textContent('table[data-table="simulate-table"]'), /کامیون‌های عبورکرده/,
        'comparison table: Persian metric names');
      await shot(page, 'crossings-fa.png');
    });

    await step('Arabic: rtl, Arabic-Indic digits, kept across a reload', async () => {
      await go(page, 'overview');
      await page.selectOption('#lang', 'ar');
      await page.waitForFunction(() => document.documentElement.lang === 'ar');
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      await page.waitForSelector('svg[data-chart="monthly"]');
      assert.match(await chartTexts(page, 'monthly'), /اردیبهشت/, 'monthly chart: Persian month names in ar');
      assert.match(await bodyText(page), /[٠-٩]/, 'page text: Arabic-Indic digits');
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('svg[data-chart="monthly"]');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar', 'language kept in localStorage');
      await shot(page, 'overview-ar.png');
    });

    await step('English again: ltr', async () => {
      await page.selectOption('#lang', 'en');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
      await page.waitForSelector('svg[data-chart="monthly"]');
      assert.match(await chartTexts(page, 'monthly'), /Ordibehesht/);
    });
    await analyst.context.close();

    // ---------------------------------------------------------------- operator
    const operator = await open(browser);
    const settlement = await apiGet('/api/v1/dashboard/settlement', OPERATOR);
    const allAccounts = await apiGet('/api/v1/dashboard/accounts', OPERATOR);

    await step('operator: Settlement shows the runs chart and the pools table', async () => {
      const p = operator.page;
      await signIn(p, OPERATOR);
      const nav = await navTargets(p);
      assert.deepEqual(nav, ['#overview', '#partners', '#sectors', '#crossings', '#settlement', '#accounts'], `operator nav: ${nav}`);
      await go(p, 'settlement');
      assert.ok(settlement.runs.length > 0, 'the settlement API returned no runs');
      await p.waitForSelector('svg[data-chart="runs"]');
      assert.ok(await bars(p, 'runs') > 0, 'runs chart has no bars');
      assert.ok(settlement.pools.length > 0, 'the settlement API returned no pools');
      await p.waitForSelector('table[data-table="pools"]');
      assert.equal(await p.locator('table[data-table="pools"] tbody tr').count(), settlement.pools.length, 'a pools row per pool');
      assert.ok(await bars(p, 'pools') > 0, 'pools chart has no bars');
      await shot(p, 'settlement-en.png');
    });

    await step('operator: Contracts card lists INV-1201 as partly paid; its history shows the shipment', async () => {
      const p = operator.page;
      const { contracts } = await apiGet('/api/v1/contracts', OPERATOR);
      assert.ok(contracts.length > 0, 'the contracts API returned no contracts');
      await p.waitForSelector('table[data-table="contracts"]');
      assert.equal(await p.locator('table[data-table="contracts"] tr[data-contract]').count(), contracts.length,
        'a row per contract');
      const row = p.locator('table[data-table="contracts"] tr[data-contract="INV-1201"]');
      assert.equal(await row.getAttribute('data-status'), 'partly paid', 'INV-1201 is partly paid (the demo\'s data)');
      assert.match(await row.textContent(), /Partly paid/, 'the status in words');
      const toggle = row.locator('button[aria-expanded]');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the history starts closed');
      const history = p.locator(`#${await toggle.getAttribute('aria-controls')}`);
      assert.equal(await history.isVisible(), false, 'the history is hidden');
      await row.locator('td').nth(2).click();
      await history.locator('tr[data-event="shipment"]').waitFor({ state: 'visible' });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'aria-expanded follows');
      const shipment = await history.locator('tr[data-event="shipment"]').textContent();
      assert.match(shipment, /Shipment/, `the shipment row: ${shipment}`);
      assert.match(shipment, /declaration/, `the shipment's detail: ${shipment}`);
      assert.equal(await history.locator('tr[data-event="registered"]').count(), 1, 'and the registration');
      await p.locator('table[data-table="contracts"]').scrollIntoViewIfNeeded();
      await shot(p, 'settlement-contracts-en.png');
      // The button closes it again (the keyboard's way).
      await toggle.focus();
      await p.keyboard.press('Enter');
      await history.waitFor({ state: 'hidden' });
    });

    await step('operator: Accounts lists more than one party', async () => {
      const p = operator.page;
      await go(p, 'accounts');
      await p.waitForSelector('table[data-table="accounts"] tbody tr[data-party]');
      const parties = new Set(await p.$$eval('table[data-table="accounts"] tbody tr[data-party]',
        (rows) => rows.map((r) => r.dataset.party).filter(Boolean)));
      assert.ok(parties.size > 1, `accounts of one party only: ${[...parties]}`);
      await shot(p, 'accounts-operator.png');
    });

    await step('sign-out returns to the sign-in form and forgets the token', async () => {
      const p = operator.page;
      await p.click('#signout');
      await p.waitForSelector('#token', { state: 'visible' });
      assert.equal(await p.evaluate(() => Object.keys(sessionStorage).length), 0, 'sessionStorage emptied');
      assert.equal(await p.locator('nav a').count(), 0, 'no nav after sign-out');
    });
    await operator.context.close();

    // ---------------------------------------------------------------- participant
    const participant = await open(browser);
    await step('a wrong token shows the API error in the alert region', async () => {
      const p = participant.page;
      await p.fill('#token', 'cor_not_a_token');
      await p.click('#signin');
      await p.waitForFunction(() => document.querySelector('[role="alert"]').textContent.trim() !== '');
      assert.equal(await p.locator('#signout').isVisible(), false);
    });

    await step('participant sees only its own accounts', async () => {
      const p = participant.page;
      await signIn(p, PARTICIPANT);
      const nav = await navTargets(p);
      assert.deepEqual(nav, ['#accounts', '#crossings'], `participant nav: ${nav}`);
      await p.waitForSelector('table[data-table="accounts"] tbody tr[data-party]');
      const parties = await p.$$eval('table[data-table="accounts"] tbody tr[data-party]', (rows) => rows.map((r) => r.dataset.party));
      assert.ok(parties.length > 0, 'no account rows');
      for (const party of parties) assert.equal(party, PARTY, `an account of ${party} shown to ${PARTY}`);
      await shot(p, 'accounts-participant.png');
    });

    await step('participant: its contracts only (page and API)', async () => {
      const p = participant.page;
      const { contracts } = await apiGet('/api/v1/contracts', PARTICIPANT);
      for (const c of contracts) {
        assert.ok(c.payer === PARTY || c.payee === PARTY, `contract ${c.id} (${c.payer} → ${c.payee}) shown to ${PARTY}`);
      }
      await p.waitForFunction(() => [...document.querySelectorAll('#accounts-content .card-title')]
        .some((n) => n.textContent === 'Contracts paid on crossing'));
      assert.equal(await p.locator('table[data-table="contracts"] tr[data-contract]').count(), contracts.length,
        'a row per own contract');
    });

    await step('participant: Crossings shows the week, not trade or what-if', async () => {
      const p = participant.page;
      await go(p, 'crossings');
      await p.waitForSelector('table[data-table="crossings-week"] tr[data-crossing]');
      assert.equal(await p.locator('svg[data-chart="crossings"]').count(), 0, 'trade by crossing shown to a participant');
      assert.equal(await p.locator('#simulate-part, #simulate-form').count(), 0, 'what-if shown to a participant');
      assert.equal((await p.locator('[role="alert"]#alert').textContent()).trim(), '', 'no error');
      await shot(p, 'crossings-participant.png');
    });

    await step('participant: #overview shows no trade data', async () => {
      const p = participant.page;
      await p.evaluate(() => { location.hash = '#overview'; });
      await p.waitForFunction(() => location.hash === '#overview');
      await p.waitForTimeout(300);
      const overviewVisible = await p.locator('section[data-page="overview"]').isVisible();
      const alertText = (await p.locator('[role="alert"]').textContent()).trim();
      assert.ok(!overviewVisible || alertText !== '', 'overview shown to a participant without an error');
      assert.equal(await bars(p, 'monthly'), 0, 'monthly bars rendered for a participant');
      await shot(p, 'overview-participant.png');
    });

    await step('participant API: no other party\'s account', async () => {
      const mine = await apiGet('/api/v1/dashboard/accounts', PARTICIPANT);
      assert.ok(mine.accounts.length > 0, 'participant has no accounts');
      for (const a of mine.accounts) assert.equal(a.party, PARTY, `dashboard/accounts gave ${a.party}'s account ${a.id}`);
      const others = new Set(allAccounts.accounts.filter((a) => a.party !== PARTY).map((a) => String(a.id)));
      assert.ok(others.size > 0, 'the operator sees no other party (cannot check isolation)');
      const ledger = [];
      let after = null;
      for (let i = 0; i < 50; i++) {
        const page = await apiGet('/api/v1/accounts' + (after ? `?after=${after}` : ''), PARTICIPANT);
        ledger.push(...page.accounts);
        if (!page.next) break;
        after = page.next;
      }
      assert.ok(ledger.length > 0, '/api/v1/accounts: participant has no accounts');
      const owners = new Set(ledger.map((a) => String(a.user_data_128)));
      assert.equal(owners.size, 1, `/api/v1/accounts: accounts of ${owners.size} owners`);
      const myIds = new Set(mine.accounts.map((a) => String(a.id)));
      for (const a of ledger) {
        assert.ok(!others.has(String(a.id)), `/api/v1/accounts gave another party's account ${a.id}`);
        assert.ok(myIds.has(String(a.id)), `/api/v1/accounts gave account ${a.id}, not among ${PARTY}'s`);
      }
    });
    await participant.context.close();

    // ---------------------------------------------------------------- phone and keyboard
    const phone = await open(browser, { width: 375, height: 740 });
    await step('phone width: no horizontal overflow', async () => {
      const p = phone.page;
      await signIn(p, ANALYST);
      await p.waitForSelector('svg[data-chart="monthly"]');
      for (const lang of ['en', 'fa']) {
        await p.selectOption('#lang', lang);
        await p.waitForFunction((l) => document.documentElement.lang === l, lang);
        await p.waitForSelector('svg[data-chart="monthly"]');
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 376, `${lang}: page is ${width}px wide at 375px`);
        await shot(p, `overview-phone-${lang}.png`);
      }
      await p.selectOption('#lang', 'en');
    });

    await step('phone width: Crossings has no horizontal overflow', async () => {
      const p = phone.page;
      await go(p, 'crossings');
      for (const lang of ['en', 'fa']) {
        await p.selectOption('#lang', lang);
        await p.waitForFunction((l) => document.documentElement.lang === l, lang);
        await p.waitForSelector('svg[data-chart="simulate-queue"] path.line');
        await p.waitForSelector('table[data-table="crossings-week"] tr[data-crossing]');
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 376, `${lang}: Crossings is ${width}px wide at 375px`);
        await shot(p, `crossings-phone-${lang}.png`);
      }
      await p.selectOption('#lang', 'en');
      await go(p, 'overview');
    });

    await step('keyboard: first Tab reaches the skip link, with a visible outline', async () => {
      const p = phone.page;
      // A fresh load (still signed in: the token is in sessionStorage), focus at the top.
      await p.goto('about:blank');
      await p.goto(BASE + '/#overview', { waitUntil: 'domcontentloaded' });
      await p.waitForSelector('svg[data-chart="monthly"]');
      await p.keyboard.press('Tab');
      const focused = await p.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {
          tag: el.tagName, id: el.id, cls: el.className, inNav: Boolean(el.closest('nav')),
          outline: style.outlineStyle, width: style.outlineWidth,
        };
      });
      assert.ok(focused.cls === 'skip-link' || focused.id === 'lang' || focused.inNav,
        `first focus: ${focused.tag}#${focused.id}.${focused.cls}`);
      assert.notEqual(focused.outline, 'none', 'focus outline is none');
      assert.notEqual(focused.width, '0px', 'focus outline has no width');
      await shot(p, 'keyboard-focus.png');
      await p.keyboard.press('Enter');
      assert.equal(await p.evaluate(() => document.activeElement.id), 'main', 'the skip link moves focus to main');
      assert.equal(await p.evaluate(() => location.hash), '#overview', 'the skip link keeps the page');
    });
    await phone.context.close();

    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  } catch (err) {
    if (current && !current.isClosed()) {
      await current.screenshot({ path: path.join(ARTIFACTS, 'failure.png'), fullPage: true }).catch(() => {});
    }
    throw err;
  } finally {
    await browser.close();
  }
}

main().then(() => {
  clearTimeout(overall);
  console.log('browser test passed');
  console.log(`browser: ${passed} passed, 0 failed`);
}, (err) => {
  console.error(`FAIL: ${stepName}: ${err && err.message ? err.message : err}`);
  console.log(`browser: ${passed} passed, 1 failed`);
  process.exit(1);
});
