// Drives Debian's Chromium over a built kamsite site from file:// and checks what a reader
// relies on. Usage: node e2e.mjs SITE_DIR  (CHROMIUM may name the browser binary).
// Prints one line per check and a closing "N passed, M failed" line; exits 1 on any failure.
import { chromium } from "playwright-core";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { join, extname } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const site = process.argv[2];
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let passed = 0, failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail ? ": " + detail : ""}`); }
}

const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--allow-file-access-from-files"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const problems = [];
context.on("weberror", (e) => problems.push(`page error: ${e.error().message}`));
const page = await context.newPage();
page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
page.on("request", (r) => { if (!r.url().startsWith("file:")) problems.push(`request left the machine: ${r.url()}`); });
const url = (rel) => pathToFileURL(join(site, rel)).href;
const rel = (u) => u.slice(pathToFileURL(site).href.length).replace(/^\//, "");

// 1. Every page reachable from the dashboard loads without errors; every internal link resolves.
const seen = new Set();
const queue = [url("index.html")];
const broken = [];
while (queue.length) {
  const next = queue.shift();
  if (seen.has(next)) continue;
  seen.add(next);
  await page.goto(next);
  // SVG links (the matrix bubbles) have no string `href`: resolve them against the page.
  const links = await page.$$eval("a[href]", (as) => as.map((a) => [a.getAttribute("href"), new URL(a.getAttribute("href"), document.baseURI).href]));
  for (const [raw, abs] of links) {
    if (/^(https?:|mailto:)/.test(raw)) continue;
    const [file, hash] = abs.split("#");
    const path = fileURLToPath(file);
    if (!existsSync(path)) { broken.push(`${next} → ${raw}`); continue; }
    if (hash && file === next.split("#")[0] && !(await page.$(`[id="${decodeURIComponent(hash)}"]`))) broken.push(`${next} → #${hash}`);
    if (path.endsWith(".html")) queue.push(file);
  }
}
check(`crawled ${seen.size} pages, every internal link resolves`, broken.length === 0, broken.slice(0, 5).join("; "));
check("no console errors, failed or outside requests", problems.length === 0, problems.slice(0, 5).join("; "));

// 2. The key account matrix is visible on the dashboard.
await page.goto(url("index.html"));
const matrix = page.locator("#fig-matrix svg");
const box = await matrix.boundingBox();
check("the matrix SVG is visible", (await matrix.isVisible()) && box && box.height > 200, JSON.stringify(box));
check("the matrix shows its bubbles", (await page.locator("#fig-matrix svg circle").count()) >= 10);

// 3. Sorting and filtering the accounts table, with the filter kept in the URL.
await page.goto(url("accounts/index.html"));
const visibleRows = () => page.locator("#accounts-table tbody tr:not([hidden])");
const total = await visibleRows().count();
await page.locator("#accounts-table thead th", { hasText: "Revenue" }).locator("button").click();
const firstNames = await visibleRows().locator("th").allTextContents();
const revenues = await visibleRows().locator("td:nth-of-type(8)").evaluateAll((tds) => tds.map((td) => td.dataset.sort).filter((v) => v !== "").map(Number));
const descending = revenues.every((v, i) => i === 0 || revenues[i - 1] >= v);
check("sorting by revenue puts the largest account first", descending && revenues.length > 1, `${firstNames[0]}, ${revenues.slice(0, 3)}`);
await page.locator("#accounts-table thead th", { hasText: "Revenue" }).locator("button").click();
const ascending = await visibleRows().locator("td:nth-of-type(8)").evaluateAll((tds) => tds.map((td) => td.dataset.sort).filter((v) => v !== "").map(Number));
check("a second click reverses the order", ascending.every((v, i) => i === 0 || ascending[i - 1] <= v));
await page.selectOption("select[name=designation]", "key");
const keyRows = await visibleRows().count();
const allKey = (await visibleRows().evaluateAll((rs) => rs.map((r) => r.dataset.designation))).every((d) => d === "key");
check("filtering by designation shows only key accounts", keyRows > 0 && keyRows < total && allKey, `${keyRows} of ${total}`);
check("the filter is kept in the URL", page.url().includes("designation=key"), page.url());
await page.goto(page.url());
check("opening that URL reproduces the view", (await visibleRows().count()) === keyRows);

// 4. Without JavaScript the table is complete.
const noJs = await browser.newContext({ javaScriptEnabled: false });
const plain = await noJs.newPage();
await plain.goto(url("accounts/index.html"));
check("without JavaScript every account is listed", (await plain.locator("#accounts-table tbody tr:visible").count()) === total);
await noJs.close();

// 5. An account page opened from file:// shows its charts.
const account = [...seen].find((u) => /accounts\/[^/]+\/index\.html$/.test(u));
await page.goto(account);
const charts = page.locator("svg.chart");
const count = await charts.count();
let allVisible = count > 0;
for (let i = 0; i < count; i++) allVisible = allVisible && (await charts.nth(i).isVisible());
check(`an account page shows its ${count} charts`, count >= 5 && allVisible);
await page.locator("details.score summary").first().click();
check("a score expands to show its explanation", await page.locator("details.score[open] table").first().isVisible());
// A chart whose numbers are shown elsewhere on the page links there, and following the link
// opens the collapsed table.
await page.goto(account);
await page.click('a[href="#score-strength"]');
check("a chart's numbers link opens the score's table", await page.locator("#score-strength").isVisible());
await page.click('a[href="#fin-n"]');
check("share of wallet's numbers link opens the quarterly table", await page.locator("#fin-n").isVisible());

// 6. On a phone the page does not scroll sideways.
await page.setViewportSize({ width: 390, height: 800 });
await page.goto(url("index.html"));
const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
check("the dashboard fits a phone's width", overflow <= 1, `${overflow}px too wide`);

// 7. Every page, on a phone: no sideways scroll (wide tables scroll inside their own box).
const pages = [...seen];
const tooWide = [];
for (const u of pages) {
  await page.goto(u);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (over > 1) tooWide.push(`${rel(u)} (${over}px)`);
}
check(`none of the ${pages.length} pages is wider than a 390 px phone`, tooWide.length === 0, tooWide.slice(0, 5).join("; "));
await page.setViewportSize({ width: 1280, height: 900 });

// 8. The matrix: every bubble links to its account and says whose it is; the five largest are labelled.
await page.goto(url("index.html"));
const bubbles = await page.$$eval("#fig-matrix svg a.bubble", (as) => as.map((a) => [a.getAttribute("href"), a.querySelector("title")?.textContent || ""]));
const rowsInTable = await page.$$eval("#fig-matrix table tbody tr", (trs) => trs.map((tr) => tr.cells[0].textContent.trim()).filter((t) => !t.startsWith("…")));
const unlinked = bubbles.filter(([href, title]) => !href || !existsSync(fileURLToPath(new URL(href, url("index.html")))) || !title.includes("attractiveness"));
check(`every matrix bubble (${bubbles.length}) links to its account with a tooltip`, bubbles.length === rowsInTable.length && bubbles.length > 0 && unlinked.length === 0, unlinked.slice(0, 3).join("; "));
const labels = await page.$$eval("#fig-matrix svg text.label", (ts) => ts.map((t) => t.textContent));
const largest = rowsInTable.slice(0, 5);
const missing = largest.filter((name) => !labels.some((l) => l === name || (l.endsWith("…") && name.startsWith(l.slice(0, -1)))));
check("the five largest accounts are labelled in the matrix", missing.length === 0, `not labelled: ${missing.join(", ")}`);

// 9. Account pages print as a review pack on at most five A4 pages.
const accounts = pages.filter((u) => /accounts\/[^/]+\/index\.html$/.test(u));
const long = [];
for (const u of accounts) {
  await page.goto(u);
  await page.emulateMedia({ media: "print" });
  const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true });
  const n = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  if (n > 5 || n === 0) long.push(`${u.split("/").slice(-2, -1)[0]}: ${n} pages`);
}
await page.emulateMedia({ media: "screen" });
check(`all ${accounts.length} account pages print on at most 5 A4 pages`, accounts.length > 0 && long.length === 0, long.slice(0, 5).join("; "));

// 10. Accessibility: axe finds nothing serious or critical on any page.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const violations = [];
for (const u of pages) {
  await page.goto(u);
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
  });
  if (found.length) violations.push(`${rel(u)}: ${found.join(", ")}`);
}
check(`axe: no serious or critical violation on any of the ${pages.length} pages`, violations.length === 0, violations.slice(0, 5).join("; "));

// 11. Served over http (as kamsite serve or any web server would): every page, stylesheet and
// script loads, nothing fails, no console error.
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".csv": "text/csv", ".svg": "image/svg+xml" };
const server = createServer((req, res) => {
  let path = join(site, decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
  if (!path.startsWith(site) || !existsSync(path)) { res.writeHead(404); res.end("not found"); return; }
  res.writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream" });
  res.end(readFileSync(path));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const httpProblems = [];
const web = await browser.newContext();
const webPage = await web.newPage();
webPage.on("console", (m) => { if (m.type() === "error") httpProblems.push(`console: ${m.text()}`); });
webPage.on("requestfailed", (r) => httpProblems.push(`failed: ${r.url()}`));
webPage.on("response", (r) => { if (r.status() >= 400) httpProblems.push(`${r.status()}: ${r.url()}`); });
for (const u of pages) await webPage.goto(base + rel(u));
check(`over http, ${pages.length} pages load with no failed request or console error`, httpProblems.length === 0, httpProblems.slice(0, 5).join("; "));
await web.close();
server.close();

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
