// Printable briefings: both "7-minute briefings" (a recurring lesson's and a review's)
// printed to PDF on A4 by headless Chromium take one or two pages, and in print
// emulation no element runs past the right edge of the page (no cut-off text), and the
// header, navigation and footer are not printed.
// Needs the `lessons` binary (LESSONS_BIN) and Debian's chromium (CHROMIUM), as the
// other browser tests do; outside CI a missing browser skips loudly.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "..", "..");
const bin = process.env.LESSONS_BIN || join(process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, "target"), "debug", "lessons");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const inCI = Boolean(process.env.CI);
const browserMissing = !existsSync(browserPath);
if (browserMissing) {
  const message = `\n*** BRIEFING PRINT TEST ${inCI ? "FAILED" : "SKIPPED"}: no Chromium at ${browserPath} ***\n`;
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
  work = mkdtempSync(join(tmpdir(), "lessons-print-"));
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

// Pages in a PDF: the number of page objects ("/Type /Page", not "/Pages").
function pdfPages(pdf) {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) || []).length;
}

async function briefingPaths() {
  // The recurring lessons with the most reviews make the longest briefings.
  const listing = await (await fetch(`${base}/api/v1/recurring?per_page=3`)).json();
  assert.ok(listing.recurring.length > 0, "the demo has recurring lessons");
  const paths = listing.recurring.map((r) => `/recurring/${r.id}/briefing`);
  // The review with the most findings among a few makes the longest review briefing.
  const search = await (await fetch(`${base}/api/v1/search?q=&per_page=20`)).json();
  let longest = null;
  for (const hit of search.hits) {
    const review = await (await fetch(`${base}/api/v1/reviews/${hit.id}`)).json();
    if (!longest || review.lessons.length > longest.lessons.length) longest = review;
  }
  paths.push(`/reviews/${search.hits[0].id}/briefing`, `/reviews/${longest.id}/briefing`);
  return paths;
}

test("briefings print on one or two A4 pages without cut-off text", { skip: browserMissing && !inCI }, async () => {
  const problems = [];
  for (const path of await briefingPaths()) {
    const page = await browser.newPage();
    assert.equal((await page.goto(`${base}${path}`)).status(), 200, path);
    await page.emulateMedia({ media: "print" });
    // A4 less the @page margins of site.css (14 mm each side), at 96 px to the inch.
    await page.setViewportSize({ width: Math.floor(((210 - 28) / 25.4) * 96), height: 1000 });
    const found = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const out = [];
      for (const el of document.querySelectorAll("main *")) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.right > width + 1 || box.left < -1) out.push(`${el.tagName.toLowerCase()}.${el.className} spans ${Math.round(box.left)}-${Math.round(box.right)} px of ${width}`);
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "hidden") out.push(`${el.tagName.toLowerCase()} hides overflowing text`);
      }
      for (const selector of [".site-header", ".site-footer", ".site-nav", "form"]) {
        const el = document.querySelector(selector);
        if (el && el.getBoundingClientRect().height > 0) out.push(`${selector} is printed`);
      }
      if (!document.querySelector(".briefing h1")) out.push("no briefing heading");
      return out;
    });
    for (const f of found) problems.push(`${path}: ${f}`);
    const pdf = await page.pdf({ format: "A4", printBackground: false, preferCSSPageSize: true });
    const pages = pdfPages(pdf);
    if (pages < 1 || pages > 2) problems.push(`${path}: ${pages} pages on A4`);
    await page.close();
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});
