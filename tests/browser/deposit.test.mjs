// A board officer deposits a review through the web forms in a real headless Chromium:
// sign in, upload a document with metadata, be refused while findings are suggestions,
// confirm them all, set the publication date, publish with the original file private,
// and find the review on its public page and in search (the file still private). Needs the `lessons` binary
// (LESSONS_BIN, default target/debug/lessons) and Debian's chromium (CHROMIUM, default
// /usr/bin/chromium). Outside CI a missing browser skips the test loudly; in CI it fails.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "..", "..");
const bin = process.env.LESSONS_BIN || join(process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, "target"), "debug", "lessons");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const inCI = Boolean(process.env.CI);
const password = "a long enough password";

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

function cli(args, input) {
  const run = spawnSync(bin, ["--data", join(work, "data"), ...args], { input, encoding: "utf8", env: { ...process.env, RUST_LOG: "warn" } });
  assert.equal(run.status, 0, `lessons ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

async function waitHealthy() {
  for (let i = 0; i < 600; i++) {
    try {
      const answer = await fetch(`${base}/healthz`);
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not become healthy");
}

const browserMissing = !existsSync(browserPath);
if (browserMissing) {
  const message = `\n*** BROWSER TEST ${inCI ? "FAILED" : "SKIPPED"}: no Chromium at ${browserPath} (apt-get install chromium, or set CHROMIUM) ***\n`;
  if (inCI) throw new Error(message);
  console.warn(message);
}

before(async () => {
  if (browserMissing) return;
  assert.ok(existsSync(bin), `build the binary first (cargo build --bin lessons): ${bin}`);
  work = mkdtempSync(join(tmpdir(), "lessons-browser-"));
  cli(["board", "add", "barsetshire", "--name", "Barsetshire LSCB", "--region", "south_west"]);
  cli(["user", "add", "officer@barsetshire.example", "--board", "barsetshire", "--role", "depositor"], `${password}\n`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ["--data", join(work, "data"), "serve", "--addr", `127.0.0.1:${port}`], { stdio: "ignore", env: { ...process.env, RUST_LOG: "warn" } });
  await waitHealthy();
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

test("a depositor uploads, confirms and publishes a review in the browser", { skip: browserMissing && !inCI }, async () => {
  const page = await browser.newPage();
  const document = join(work, "child-w-executive-summary.txt");
  writeFileSync(
    document,
    [
      "Executive summary",
      "",
      "Child W was four when the nursery noticed marks on the arms and a quokka drawing that worried staff.",
      "",
      "Recommendations",
      "",
      "1. The nursery should report every unexplained mark to children's social care on the same day.",
      "",
      "2. All agencies should use the Board's escalation policy when a referral is not accepted.",
      "",
    ].join("\n"),
  );

  await page.goto(`${base}/my`);
  assert.match(page.url(), /\/login\?next=/);
  await page.getByLabel("Email address").fill("officer@barsetshire.example");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/my`);
  // The header says who is signed in, with a sign-out button.
  assert.match(await page.locator("header .account").innerText(), /Signed in as officer@barsetshire\.example/);
  assert.equal(await page.locator("header .account").getByRole("button", { name: "Sign out" }).count(), 1);

  await page.goto(`${base}/deposit`);
  assert.match(await page.locator("form[action='/deposit']").innerText(), /The public will get: no files\./);
  // Each checkbox's label sits beside its own box (same row, to its right).
  for (const id of ["abuse-neglect", "abuse-sexual", "themes-physical_abuse"]) {
    const box = await page.locator(`#${id}`).boundingBox();
    const label = await page.locator(`label[for="${id}"]`).boundingBox();
    const middle = label.y + label.height / 2;
    assert.ok(label.x > box.x && middle > box.y - 4 && middle < box.y + box.height + 4, `${id}: label ${JSON.stringify(label)} beside box ${JSON.stringify(box)}`);
  }
  await page.locator("#file-1").setInputFiles(document);
  await page.getByLabel("Title, as published").fill("Serious Case Review: Child W");
  await page.getByLabel("Incident", { exact: true }).selectOption("serious_harm");
  await page.getByLabel("Age of the child").selectOption("1_to_5");
  await page.locator("#abuse-neglect").check();
  await page.locator("#themes-physical_abuse").check();
  await page.getByLabel("Pseudonyms used (comma-separated, e.g. Child A, Mother)").fill("Child W");
  await page.getByRole("button", { name: "Upload and read the documents" }).click();
  await page.waitForURL(/\/my\/reviews\/scr-/);
  const reviewUrl = page.url();
  const id = reviewUrl.split("/").pop();

  assert.match(await page.locator("#summary").inputValue(), /quokka drawing/);
  const suggestions = page.locator("fieldset.finding legend", { hasText: "(suggested)" });
  assert.equal(await suggestions.count(), 2, "both recommendations are suggested");
  assert.ok(await page.locator("#abuse-neglect").isChecked(), "the metadata are on the review screen");

  // Publishing is refused while findings are still suggestions: the screen stays and says so.
  await page.getByLabel(/I have checked that the text identifies/).check();
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.waitForURL(`${reviewUrl}/publish`);
  const problems = await page.locator("#problems").innerText();
  assert.match(problems, /The review was not published/);
  assert.match(problems, /Finding 1 is still a suggestion/);
  assert.match(problems, /Finding 2 is still a suggestion/);

  // Confirm all suggestions (and change the title) in one go.
  await page.getByLabel("Title, as published").fill("Serious Case Review: Child W (Barsetshire)");
  await page.getByRole("button", { name: "Confirm all suggestions and save" }).click();
  await page.waitForURL(`${reviewUrl}?done=saved`);
  assert.match(await page.locator("[role=status]").first().innerText(), /Saved\./);
  assert.equal(await page.locator("fieldset.finding legend", { hasText: "(suggested)" }).count(), 0);
  assert.match(await page.locator("h1").innerText(), /Child W \(Barsetshire\)/);

  // Publish with the original file private, and the review's own publication date.
  assert.match(await page.locator("form[action$='/publish']").innerText(), /The public will get: no files/);
  assert.equal(await page.locator("#public-1").isChecked(), false);
  await page.getByLabel("Publication date").last().fill("2013-05-01");
  await page.getByLabel(/I have checked that the text identifies/).check();
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.waitForURL(`${reviewUrl}?done=published`);
  assert.match(await page.locator("[role=status]").first().innerText(), /Published\./);
  const state = await page.locator("section.published-state").innerText();
  assert.match(state, /Published 1 May 2013/);
  assert.match(state, /The public will get: no files/);
  assert.equal(await page.locator("form[action$='/publish']").count(), 0, "the published state replaces the publish form");

  // /my shows dates as dates.
  await page.goto(`${base}/my`);
  assert.match(await page.locator("table").first().innerText(), /\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/);
  assert.doesNotMatch(await page.locator("table").first().innerText(), /T\d{2}:\d{2}/);

  const visitor = await browser.newPage();
  const publicPage = await visitor.goto(`${base}/reviews/${id}`);
  assert.equal(publicPage.status(), 200);
  assert.match(await visitor.locator("h1").innerText(), /Child W/);
  const about = await visitor.locator("dl.metadata").innerText();
  assert.match(about, /Published\s+1 May 2013/);
  assert.match(await visitor.locator("p.muted").first().innerText(), /2013/);
  assert.equal(await visitor.locator("a[href*='/files/']").count(), 0, "no file is offered to the public");
  // The original file is private: the public gets 404, the board gets it.
  assert.equal((await fetch(`${base}/api/v1/reviews/${id}/file`)).status, 404);
  assert.deepEqual((await (await fetch(`${base}/api/v1/reviews/${id}`)).json()).files, []);
  const own = await page.request.get(`${base}/api/v1/reviews/${id}/file`);
  assert.equal(own.status(), 200);
  await visitor.goto(`${base}/search?q=quokka`);
  assert.match(await visitor.locator("p.lede").innerText(), /^1 review/);
});
