// Accessibility: axe-core in headless Chromium finds no serious or critical WCAG 2.1 AA
// violation on the public pages (recurring lessons and briefings too), the API documentation and the sign-in page, and on a
// depositor's pages (the deposit form, the review screen with its publish form, the
// published state with its files form and a refused change of files, /my, and public
// pages signed in), at desktop width and at 360 px; and the /insights and /progress
// charts and first table fit a 1280 px window.
// Needs the `lessons` binary (LESSONS_BIN) and Debian's chromium (CHROMIUM), as the
// deposit test does; outside CI a missing browser skips loudly.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const root = resolve(import.meta.dirname, "..", "..");
const bin = process.env.LESSONS_BIN || join(process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, "target"), "debug", "lessons");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const inCI = Boolean(process.env.CI);
const browserMissing = !existsSync(browserPath);
if (browserMissing) {
  const message = `\n*** ACCESSIBILITY TEST ${inCI ? "FAILED" : "SKIPPED"}: no Chromium at ${browserPath} ***\n`;
  if (inCI) throw new Error(message);
  console.warn(message);
}

let work, server, base, browser;

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

before(async () => {
  if (browserMissing) return;
  work = mkdtempSync(join(tmpdir(), "lessons-a11y-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ["--data", join(work, "data"), "serve", "--demo", "--addr", `127.0.0.1:${port}`], { stdio: "ignore", env: { ...process.env, RUST_LOG: "warn" } });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
});

async function violations(path, width, context = browser, origin = base) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const answer = await page.goto(`${origin}${path}`);
  assert.equal(answer.status(), 200, path);
  // Injected as a script the page did not ask for: the site's CSP is not involved.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    globalThis.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.close();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  return { bad, overflow };
}

test("public pages have no serious accessibility violations, at desktop and phone widths", { skip: browserMissing && !inCI }, async () => {
  const search = await (await fetch(`${base}/api/v1/search?q=bruising&per_page=1`)).json();
  const review = search.hits[0].id;
  const recurring = (await (await fetch(`${base}/api/v1/recurring?per_page=1`)).json()).recurring[0].id;
  const pages = ["/recurring", "/recurring?sort=rising&level=inter_agency", `/recurring/${recurring}`, `/recurring/${recurring}/briefing`, `/reviews/${review}/briefing`, "/", "/search", "/search?q=neglect&theme=neglect", "/search?q=GP+missed+appointments&view=lessons&level=individual", `/reviews/${review}`, `/similar?to=${review}%23L1`, "/search?q=chronic+neglekt", "/themes", "/themes/unseen_men", "/insights", "/insights?rows=region&cols=year&view=lessons&theme=neglect", "/insights?rows=year&cols=theme", "/progress", "/progress?agency=police&year_from=2008", "/login", "/api", "/help", "/codebook", "/search?q=neglect&year_from=2008&year_to=2012"];
  const problems = [];
  for (const path of pages) {
    for (const width of [1280, 360]) {
      const { bad, overflow } = await violations(path, width);
      for (const v of bad) problems.push(`${path} @${width}px: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
      if (width === 360 && overflow > 1) problems.push(`${path} @360px: the page is ${overflow}px wider than the screen`);
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});

test("insights and progress charts and the table over time fit a desktop window", { skip: browserMissing && !inCI }, async () => {
  const problems = [];
  for (const path of ["/insights", "/insights?rows=agency&cols=region", "/insights?rows=year&cols=theme", "/insights?rows=theme&cols=agency&view=lessons", "/progress"]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    assert.equal((await page.goto(`${base}${path}`)).status(), 200, path);
    const found = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const main = document.querySelector("main").getBoundingClientRect();
      const out = [];
      const charts = [...document.querySelectorAll("main .chart svg[role=img]")].filter((svg) => svg.getBoundingClientRect().width > 0);
      if (charts.length === 0) out.push("no chart is shown");
      for (const svg of charts) {
        const box = svg.getBoundingClientRect();
        if (box.left < main.left - 1 || box.right > Math.min(width, main.right) + 1) out.push(`chart "${svg.querySelector("title").textContent}" spans ${Math.round(box.left)}-${Math.round(box.right)} px`);
      }
      const overTime = document.querySelector(".table-scroll");
      if (overTime && overTime.scrollWidth > overTime.clientWidth + 1) out.push(`the first table is cut off: ${overTime.scrollWidth} px in ${overTime.clientWidth}`);
      return out;
    });
    await page.close();
    for (const problem of found) problems.push(`${path}: ${problem}`);
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});

test("a depositor's pages have no serious accessibility violations, at desktop and phone widths", { skip: browserMissing && !inCI }, async () => {
  // A server of its own with a board and a depositor (the demo server has no accounts).
  const dir = mkdtempSync(join(tmpdir(), "lessons-a11y-deposit-"));
  const data = join(dir, "data");
  const cli = (args, input) => {
    const run = spawnSync(bin, ["--data", data, ...args], { input, encoding: "utf8", env: { ...process.env, RUST_LOG: "warn" } });
    assert.equal(run.status, 0, `lessons ${args.join(" ")}: ${run.stderr}`);
  };
  cli(["board", "add", "barsetshire", "--name", "Barsetshire LSCB", "--region", "south_west"]);
  cli(["user", "add", "officer@barsetshire.example", "--board", "barsetshire", "--role", "depositor"], "a long enough password\n");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const own = spawn(bin, ["--data", data, "serve", "--addr", `127.0.0.1:${port}`], { stdio: "ignore", env: { ...process.env, RUST_LOG: "warn" } });
  const context = await browser.newContext();
  try {
    for (let i = 0; i < 600; i++) {
      try {
        if ((await fetch(`${origin}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await context.newPage();
    await page.goto(`${origin}/login?next=/deposit`);
    await page.getByLabel("Email address").fill("officer@barsetshire.example");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${origin}/deposit`);
    const document = join(dir, "child-k.txt");
    writeFileSync(document, "Executive summary\n\nChild K lived at 14 Acacia Road, Barchester BA1 2XY.\n\nRecommendations\n\n1. The school should refer persistent hunger to children's social care.\n");
    await page.locator("#file-1").setInputFiles(document);
    await page.getByLabel("Title, as published").fill("Serious Case Review: Child K");
    await page.getByLabel("Incident", { exact: true }).selectOption("serious_harm");
    await page.getByRole("button", { name: "Upload and read the documents" }).click();
    await page.waitForURL(/\/my\/reviews\/scr-/);
    const screen = new URL(page.url()).pathname;
    // A refused publish: the screen with its list of problems.
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.waitForURL(`${origin}${screen}/publish`);
    const refused = [];
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => globalThis.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) refused.push(`refused publish @${width}px: ${v.id}: ${v.help}`);
    }
    const problems = [...refused];
    const check = async (path) => {
      for (const width of [1280, 360]) {
        const { bad, overflow } = await violations(path, width, context, origin);
        for (const v of bad) problems.push(`${path} @${width}px: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
        if (width === 360 && overflow > 1) problems.push(`${path} @360px: the page is ${overflow}px wider than the screen`);
      }
    };
    await check("/deposit");
    await check(screen);
    await check("/my");
    await page.goto(`${origin}${screen}`);
    await page.getByRole("button", { name: "Confirm all suggestions and save" }).click();
    await page.waitForURL(`${origin}${screen}?done=saved`);
    await page.getByLabel(/I have checked that the text identifies/).check();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.waitForURL(`${origin}${screen}?done=published`);
    // The published state, with its form to change which files the public gets.
    await check(`${screen}?done=published`);
    // A refused change of the public files (offered, not confirmed): the screen again.
    await page.getByLabel(/Offer file 1 .* to the public/).check();
    await page.getByRole("button", { name: "Save the public files" }).click();
    await page.waitForURL(`${origin}${screen}/files`);
    assert.match(await page.content(), /The public files were not changed/);
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => globalThis.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) problems.push(`refused files change @${width}px: ${v.id}: ${v.help}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (width === 360 && overflow > 1) problems.push(`refused files change @360px: the page is ${overflow}px wider than the screen`);
    }
    // Public pages, signed in (the header says who, with a sign-out button).
    await check(`/reviews/${screen.split("/").pop()}`);
    await check("/");
    await check("/search?q=hunger");
    await check("/help");
    assert.deepEqual(problems, [], problems.join("\n"));
  } finally {
    await context.close();
    own.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
});
