// Runs the browser's crisis detector (reattune/static/reattune/crisis.js) under node for
// tests/test_crisis_js_parity.py.
//
//   node tests/js/crisis_parity.mjs LEXICONS.json CASES.json OUT.json
//
// LEXICONS.json: the document reattune/care/lexicons_json.py serves. CASES.json: [{text, lang}].
// OUT.json gets {problems, compile_errors, classes, results: [{kinds, spans}]} with span
// offsets in code points (as Python counts them). Nothing is printed: the test decides what
// may be shown (never a holdout sentence).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const crisis = require("../../reattune/static/reattune/crisis.js");

const args = process.argv.slice(2);
const doc = JSON.parse(readFileSync(args[0], "utf8"));

if (args[1] === "--regex") {
  // translated patterns on their own: [{source, text}] -> every match, in code points
  crisis.setLexicons(doc);
  const rows = JSON.parse(readFileSync(args[2], "utf8"));
  const matches = rows.map(({ source, text }) => crisis._matches(source, text));
  writeFileSync(args[3], JSON.stringify({ matches }));
  process.exit(0);
}

const [, casesPath, outPath] = args;
const cases = JSON.parse(readFileSync(casesPath, "utf8"));

const errors = [];
const origError = console.error;
console.error = (...args) => errors.push(args.map(String).join(" "));

const problems = crisis.setLexicons(doc);
const compileErrors = crisis.compileAll();

const codePoints = (s, cu) => Array.from(s.slice(0, cu)).length;

const results = cases.map(({ text, lang }) => {
  const r = crisis.checkText(text, lang || undefined);
  return {
    ready: r.ready,
    hit: r.hit,
    kinds: r.kinds,
    spans: r.spans.map((s) => [codePoints(text, s.start), codePoints(text, s.end), s.kind, s.rule, s.lang]),
  };
});

// The word, digit and space classes as built here, over every code point (ranges).
function ranges(source) {
  const re = new RegExp("^" + source + "$", "u");
  const out = [];
  for (let c = 0; c < 0x110000; c++) {
    if (re.test(String.fromCodePoint(c))) {
      const last = out[out.length - 1];
      if (last && last[1] === c - 1) last[1] = c;
      else out.push([c, c]);
    }
  }
  return out;
}
const built = crisis.classes();
const out = {
  problems,
  compile_errors: compileErrors,
  runtime_errors: errors,
  classes: { word: ranges(built["@W@"]), digit: ranges(built["@D@"]), space: ranges(built["@S@"]) },
  results,
};
console.error = origError;
writeFileSync(outPath, JSON.stringify(out));
