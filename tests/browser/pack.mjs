// Opens a kamsite review pack (one HTML file) in Debian's Chromium with the network blocked and
// checks that it needs nothing else: no request besides the file itself, no script error, no
// serious accessibility problem. Usage: node pack.mjs PACK_HTML
// Prints one line per check and a closing "N passed, M failed" line; exits 1 on any failure.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const file = process.argv[2];
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let passed = 0, failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail ? ": " + detail : ""}`); }
}

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
const self = pathToFileURL(file).href;
const requests = [];
const problems = [];
// Every request but the file itself is refused, and counted.
await context.route("**/*", (route) => {
  const u = route.request().url();
  if (u === self) return route.continue();
  requests.push(u);
  return route.abort();
});
context.on("weberror", (e) => problems.push(e.error().message));
const page = await context.newPage();
page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
await page.goto(self);
check("the pack makes no request besides its own file (network blocked)", requests.length === 0, requests.slice(0, 5).join("; "));
check("no script error and no console error", problems.length === 0, problems.slice(0, 5).join("; "));
check("no script in the pack", (await page.locator("script").count()) === 0);

// Every link is a fragment that exists in the file.
const links = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")));
const outside = links.filter((h) => !h.startsWith("#"));
const missing = [];
for (const h of links.filter((h) => h.startsWith("#"))) {
  if (!(await page.$(`[id="${decodeURIComponent(h.slice(1))}"]`))) missing.push(h);
}
check(`all ${links.length} links are fragments of the file`, outside.length === 0, outside.slice(0, 5).join("; "));
check("every fragment link has its target", missing.length === 0, missing.slice(0, 5).join("; "));

// The seven parts, in order.
const ids = await page.$$eval("main > section", (ss) => ss.map((s) => s.id));
const order = ["cover", "overview", "portfolio", "moved", "decisions"];
const key = ids.filter((i) => i.startsWith("account-"));
check("the seven parts are in order", JSON.stringify(ids.slice(0, 5)) === JSON.stringify(order) && key.length > 0 && ids[ids.length - 1] === "appendix", ids.join(", "));

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
await context.unroute("**/*");
await page.addScriptTag({ content: axeSource });
const found = await page.evaluate(async () => {
  const r = await window.axe.run(document, { resultTypes: ["violations"] });
  return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
});
check("axe: no serious or critical violation in the pack", found.length === 0, found.join(", "));

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
