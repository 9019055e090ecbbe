/*
 * Crisis language in free text, checked in the browser: the same detector as the server's
 * (reattune/domain/safety/crisis.py), for text the server never sees (the end-to-end encrypted
 * vault). Nothing here sends, stores or logs the text; a hit only tells the page to show help.
 *
 * How this file is kept in step with the Python engine
 * - The lexicons are not copied here. They are fetched as JSON from the server
 *   (reattune/care/lexicons_json.py, same origin, ETag), built at run time from the very
 *   lexicon objects crisis.py compiles out of reattune/data/lexicons/<lang>/crisis.yaml.
 * - Every pattern is translated from Python's regular expressions to JavaScript's in ONE place,
 *   lexicons_json.py, from Python's own parse of it: \w, \b, \s, \d follow Python's Unicode
 *   definitions (sent as code-point tables; see buildClasses below), IGNORECASE becomes explicit
 *   classes of exactly the characters Python accepts, so no pattern here uses the "i" flag.
 *   The engine's own patterns, tables and limits (sentences, tokens, quoted titles, MAX_CHARS,
 *   SEGMENT, ...) are sent in the same JSON, translated the same way.
 * - What remains here is the control flow of crisis.py (_check, _scan, _prepare, _pieces,
 *   _blank_titles, _is_title, _negated), ported line by line, with the same names. Positions
 *   are counted in code points like Python's, and turned into UTF-16 offsets only to call a
 *   RegExp; a search from `pos` to `endpos` is a RegExp run on the text cut at `endpos` from
 *   lastIndex `pos`, which is what Python's pattern.search(text, pos, endpos) does.
 * - tests/test_crisis_js_parity.py runs this file under node on every dev and holdout sentence
 *   of tests/data/crisis plus edge cases and fails on any difference in kinds (and rule spans)
 *   from the Python detector, or on any pattern that cannot be translated. Change crisis.py's
 *   control flow and this file together; the test tells you when they differ.
 *
 * API: window.reattuneCrisis (or module.exports under node)
 *   load(url) -> Promise         fetch and read the lexicons; a data-lexicons attribute on the
 *                                <script> tag names a URL fetched at once and read on the first
 *                                focus of a text field or the first use of ready; ready is the
 *                                Promise of the first load
 *   setLexicons(json)            use an already fetched document
 *   checkText(text, lang) -> {ready, hit, kinds, spans, harmFromOthers}
 *     kinds in display order (check.py's KIND_ORDER); spans [{start, end, kind, rule, lang}]
 *     with start/end as JavaScript string offsets. Until the lexicons are loaded, or when this
 *     browser cannot run any of them (no look-behind before Safari 16.4): ready false and no
 *     hit, so the caller can say the check did not run. Never throws.
 *   problems                     lexicons left out (by the server or by this browser)
 *
 * The learned second stage (crisis_model.py) comes in the same JSON as "model" (null when the
 * server has it switched off); when no rule matched, modelSpans scores each sentence exactly
 * as crisis_model.py does (same folding table, features, integer sums and double operations).
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  if (root && typeof root === "object") root.reattuneCrisis = api;
})(typeof window !== "undefined" ? window : typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const FORMAT = 1;
  let state = null; // {engine, lexicons, classes}
  let problems = [];

  // ------------------------------------------------------------------ code points

  const SURROGATE = /[\uD800-\uDFFF]/;

  // A string with code-point positions (Python's) and their UTF-16 offsets (JavaScript's).
  function Text(s) {
    this.s = s;
    if (!SURROGATE.test(s)) {
      this.n = s.length;
      this.cu = null;
      return;
    }
    const cu = [];
    const cp = new Int32Array(s.length + 1);
    let i = 0;
    for (const ch of s) {
      cp[i] = cu.length;
      cu.push(i);
      if (ch.length === 2) cp[i + 1] = cu.length - 1;
      i += ch.length;
    }
    cu.push(s.length);
    cp[s.length] = cu.length - 1;
    this.n = cu.length - 1;
    this.cu = cu; // code point -> UTF-16 offset
    this.cp = cp; // UTF-16 offset -> code point
  }
  Text.prototype.u = function (i) {
    return this.cu === null ? i : this.cu[i];
  };
  Text.prototype.p = function (u) {
    return this.cu === null ? u : this.cp[u];
  };
  Text.prototype.slice = function (a, b) {
    return this.s.slice(this.u(a), this.u(b));
  };
  // str.find / str.rfind of one character between code points a and b
  Text.prototype.find = function (ch, a, b) {
    if (b <= a) return -1;
    const at = this.s.indexOf(ch, this.u(a));
    return at === -1 || at >= this.u(b) ? -1 : this.p(at);
  };
  Text.prototype.rfind = function (ch, a, b) {
    if (b <= a) return -1;
    const at = this.s.lastIndexOf(ch, this.u(b) - 1);
    return at === -1 || at < this.u(a) ? -1 : this.p(at);
  };

  function cpLength(s) {
    if (!SURROGATE.test(s)) return s.length;
    let n = 0;
    for (const _ of s) n++; // eslint-disable-line no-unused-vars
    return n;
  }

  // ------------------------------------------------------------------ patterns

  function rangesClass(ranges, negate) {
    const esc = (c) => "\\u{" + c.toString(16) + "}";
    const body = ranges.map(([a, b]) => (a === b ? esc(a) : esc(a) + "-" + esc(b))).join("");
    return (negate ? "[^" : "[") + body + "]";
  }

  function clip(ranges, lo, hi) {
    const out = [];
    for (const [a, b] of ranges) if (b >= lo && a < hi) out.push([Math.max(a, lo), Math.min(b, hi - 1)]);
    return out;
  }

  // Python's \w, \d and \s, from Python's own tables (so the Unicode version is Python's too).
  // A class of all of Python's ~700 ranges of word characters is slow for V8 to compile in
  // the thousands of places \b and \w occur, so there are two sets of patterns: "small", with
  // the classes cut at SMALL (Latin, Greek, Cyrillic, Hebrew, Arabic ...), exact for any text
  // without a word character at or above SMALL, and "big", exact for every text, compiled only
  // when a text needs it.
  const SMALL = 0x800;

  function classSet(engine, limit) {
    const W = rangesClass(clip(engine.word, 0, limit));
    const D = rangesClass(clip(engine.digit, 0, limit));
    return {
      "@W@": W,
      "@NW@": rangesClass(clip(engine.word, 0, limit), true),
      "@D@": D,
      "@ND@": rangesClass(clip(engine.digit, 0, limit), true),
      "@S@": rangesClass(engine.space),
      "@NS@": rangesClass(engine.space, true),
      "@B@": "(?:(?<=" + W + ")(?!" + W + ")|(?<!" + W + ")(?=" + W + "))",
      "@NB@": "(?:(?<=" + W + ")(?=" + W + ")|(?<!" + W + ")(?!" + W + "))",
    };
  }

  function buildClasses(engine) {
    return { small: classSet(engine, SMALL), big: classSet(engine, 0x110000) };
  }

  let variant = "small"; // which set of classes the current check uses

  function expand(source, which) {
    const classes = state.classes[which];
    return source.replace(/@[A-Z]+@/g, (name) => {
      if (!(name in classes)) throw new Error("unknown placeholder " + name);
      return classes[name];
    });
  }

  // A translated pattern: compiled on first use, "g" to search from lastIndex, "y" to match.
  function Pattern(source, groups) {
    this.source = source;
    this.groups = groups || {};
    this.compiled = {};
  }
  Pattern.prototype.get = function (flags, which) {
    const key = flags + (which || variant);
    let re = this.compiled[key];
    if (re === undefined) re = this.compiled[key] = new RegExp(expand(this.source, which || variant), flags + "u");
    return re;
  };
  Pattern.prototype.g = function (which) {
    return this.get("g", which);
  };
  Pattern.prototype.y = function (which) {
    return this.get("y", which);
  };
  Pattern.prototype.group = function (m, n) {
    return m[this.groups[String(n)] || n];
  };

  // Python's pattern.search(text, pos, endpos), positions in code points; a Match or null.
  function search(pattern, t, pos, endpos) {
    if (pos === undefined) pos = 0;
    if (endpos === undefined || endpos > t.n) endpos = t.n;
    if (pos > endpos) return null;
    const re = pattern.g();
    const end = t.u(endpos);
    const subject = end === t.s.length ? t.s : t.s.slice(0, end);
    re.lastIndex = t.u(pos);
    const m = re.exec(subject);
    if (m === null) return null;
    const start = t.p(m.index);
    return { start, end: t.p(m.index + m[0].length), m };
  }

  // Python's pattern.finditer(text, pos, endpos).
  function* finditer(pattern, t, pos, endpos) {
    if (pos === undefined) pos = 0;
    if (endpos === undefined || endpos > t.n) endpos = t.n;
    let at = pos;
    while (at <= endpos) {
      const found = search(pattern, t, at, endpos);
      if (found === null) return;
      yield found;
      // an empty match moves on by one character (a pattern that can match nothing is a bug)
      at = found.end > found.start ? found.end : found.end + 1;
    }
  }

  // Python's pattern.match(text, pos): anchored at pos.
  function matchAt(pattern, t, pos) {
    const re = pattern.y();
    re.lastIndex = t.u(pos);
    return re.exec(t.s) !== null;
  }

  function plainSearch(pattern, s) {
    return search(pattern, new Text(s));
  }

  // ------------------------------------------------------------------ loading

  // A lexicon pattern has a "fast" form (for lower-cased text) and a "full" one.
  function pair(json) {
    if (json === null || json === undefined) return null;
    const fast = new Pattern(json.fast);
    return { fast, full: json.full === undefined ? fast : new Pattern(json.full) };
  }

  function compileLexicon(json) {
    const lex = {
      language: json.language,
      rules: json.rules.map((r) => ({
        id: r.id,
        kind: r.kind,
        pattern: pair(r.pattern),
        exclude: r.exclude.map(pair),
        first_person: !!r.first_person,
        jokes_cancel: !!r.jokes_cancel,
        // crisis.rule_needs: sets of strings every match (of the fast form) has one of each
        needs: Array.isArray(r.needs) ? r.needs : null,
      })),
      first_person: pair(json.first_person),
      negation_cues: new Set(json.negation_cues),
      not_before: new Set(json.not_before),
      clause_breaks: new Pattern(json.clause_breaks),
      window: json.window,
      subordinators: new Set(json.subordinators || []),
      subordinate_window: json.subordinate_window === undefined ? 3 : json.subordinate_window,
      jokes: pair(json.jokes),
      title_cues: new Pattern(json.title_cues),
      triggers: pair(json.triggers),
      idioms: pair(json.idioms),
      reported: pair(json.reported),
    };
    lex.prefilter = lex.rules.some((r) => r.needs !== null);
    // the forms used on ordinary text are compiled now, so a bad one drops this language here
    lex.triggers.fast.g("small");
    lex.first_person.fast.g("small");
    for (const rule of lex.rules) rule.pattern.fast.g("small");
    return lex;
  }

  function eachPattern(lex, fn) {
    const pairs = [lex.first_person, lex.jokes, lex.triggers, lex.idioms, lex.reported];
    for (const rule of lex.rules) pairs.push(rule.pattern, ...rule.exclude);
    for (const p of pairs) if (p) fn(p.fast), fn(p.full);
    fn(lex.clause_breaks);
    fn(lex.title_cues);
  }

  function setLexicons(doc) {
    if (!doc || doc.format !== FORMAT) throw new Error("crisis lexicons: unknown format");
    const engine = doc.engine;
    const previous = state;
    state = { engine, lexicons: [], classes: buildClasses(engine) };
    try {
      const p = engine.patterns;
      state.patterns = {
        trailing_off: new Pattern(p.trailing_off),
        sentence: new Pattern(p.sentence),
        token: new Pattern(p.token),
        title_word: new Pattern(p.title_word),
        by_name: new Pattern(p.by_name),
        quoted: new Pattern(p.quoted.source, p.quoted.groups),
        single_quoted: new Pattern(p.single_quoted.source, p.single_quoted.groups),
      };
      for (const name in state.patterns) state.patterns[name].g("small");
      state.tables = [engine.invisible, engine.apostrophes, engine.double_quotes].map(table);
      state.space = new Pattern("^@S@*$");
      state.bigWord = new RegExp(rangesClass(clip(engine.word, SMALL, 0x110000)), "u");
      state.model = compileModel(doc.model);
      problems = (doc.problems || []).slice();
      for (const json of doc.lexicons) {
        try {
          state.lexicons.push(compileLexicon(json));
        } catch (err) {
          problems.push(json.language + ": " + err.message);
          logError("crisis lexicon " + json.language + " cannot be used; checking without it", err);
        }
      }
    } catch (err) {
      state = previous;
      throw err;
    }
    return problems.slice();
  }

  // Compile every form of every pattern (the tests call this: a translation JavaScript refuses
  // must fail them, not wait for the one text that needs it).
  function compileAll() {
    const errors = [];
    for (const lex of state.lexicons) {
      eachPattern(lex, (pattern) => {
        try {
          pattern.g("small"); // "big" differs only in the contents of the classes
        } catch (err) {
          errors.push(lex.language + ": " + err.message);
        }
      });
    }
    return errors;
  }

  function table(mapping) {
    const map = new Map();
    for (const key in mapping) map.set(String.fromCodePoint(Number(key)), mapping[key]);
    const chars = Array.from(map.keys(), (c) => "\\u{" + c.codePointAt(0).toString(16) + "}");
    return { map, re: new RegExp("[" + chars.join("") + "]", "gu") };
  }

  function translate(s, t) {
    return s.replace(t.re, (c) => t.map.get(c));
  }

  function logError(message, err) {
    if (typeof console !== "undefined" && console.error) console.error(message, err);
  }

  let readyPromise = null;
  let fetched = null; // the page's document, fetched but not read yet (see the end)
  const WRITING_FIELDS = "textarea, input:not([type]), input[type=text], input[type=search]";

  // The first check compiles every rule (most of a second on a slow phone): do it while the
  // page is idle rather than when the person saves.
  function warmUp() {
    const run = () => checkText("warm up: i want to die");
    if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 5000 });
    else setTimeout(run, 0);
  }

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      (r) => {
        if (!r.ok) throw new Error("crisis lexicons: HTTP " + r.status);
        return r.text();
      }
    );
  }

  function read(text) {
    const found = setLexicons(JSON.parse(text));
    warmUp();
    return found;
  }

  function load(url) {
    const p = fetchText(url).then(read);
    if (readyPromise === null) readyPromise = p;
    return p;
  }

  function readFetched() {
    if (fetched === null || readyPromise !== null) return;
    readyPromise = fetched.then(read);
    fetched = null;
    readyPromise.catch((err) => logError("crisis lexicons could not be loaded", err));
  }

  // ------------------------------------------------------------------ matching (crisis.py)

  function isTitle(text, start, end, inner, lex) {
    const before = text.slice(Math.max(0, start - 40), start);
    if (plainSearch(lex.title_cues, before)) return true;
    if (matchAt(state.patterns.by_name, text, end)) return true;
    const words = [];
    for (const w of finditer(state.patterns.title_word, new Text(inner))) words.push(w.m[0]);
    const long = words.filter((w) => cpLength(w) >= 4);
    return words.length >= 2 && long.length > 0 && long.every((w) => /^[A-Z]/.test(w));
  }

  function blankTitles(original, plain, lex) {
    let chars = null;
    const plainText = new Text(plain);
    const sources = [
      [state.patterns.quoted, plainText],
      [state.patterns.single_quoted, original],
    ];
    for (const [regex, source] of sources) {
      for (const found of finditer(regex, source)) {
        if (isTitle(original, found.start, found.end, regex.group(found.m, 1), lex)) {
          if (chars === null) chars = Array.from(plain);
          for (let i = found.start; i < found.end; i++) chars[i] = " ";
        }
      }
    }
    return chars === null ? plain : chars.join("");
  }

  function strip(s) {
    let a = 0;
    let b = s.length;
    while (a < b && s[a] === "'") a++;
    while (b > a && s[b - 1] === "'") b--;
    return s.slice(a, b);
  }

  function negated(before, lex, cues, notBefore) {
    const t = new Text(before);
    let clauseStart = 0;
    let opener = null;
    for (const found of finditer(lex.clause_breaks, t)) {
      clauseStart = found.end;
      opener = found.m[0];
    }
    const clause = t.slice(clauseStart, t.n).toLowerCase();
    const all = [];
    for (const found of finditer(state.patterns.token, new Text(clause))) all.push(found.m[0]);
    // a clause opened by a subordinator ("quando", "when"): only its last few words negate
    let window = lex.window;
    if (opener !== null && lex.subordinators.has(opener.toLowerCase())) {
      window = Math.min(window, lex.subordinate_window);
    }
    const tokens = all.slice(-window);
    for (let i = 0; i < tokens.length; i++) {
      const bare = strip(tokens[i]);
      if (cues.has(bare) || bare.endsWith("n't")) {
        const following = i + 1 < tokens.length ? strip(tokens[i + 1]) : "";
        if (notBefore.has(following)) continue;
        return true;
      }
    }
    return false;
  }

  function overlaps(regex, t, start, end, mStart, mEnd) {
    for (const x of finditer(regex, t, start, end)) {
      if (x.start < mEnd && x.end > mStart) return true;
    }
    return false;
  }

  function* pieces(masked) {
    const SEGMENT = state.engine.segment;
    const OVERLAP = state.engine.overlap;
    for (const sentence of finditer(state.patterns.sentence, masked)) {
      const sStart = sentence.start;
      const sEnd = sentence.end;
      if (sEnd - sStart < 3) continue;
      let start = sStart;
      for (;;) {
        let end = Math.min(sEnd, start + SEGMENT);
        if (end < sEnd) {
          const cut = masked.rfind(" ", start + Math.floor(SEGMENT / 2), end);
          if (cut > start) end = cut;
        }
        yield [start, end];
        if (end >= sEnd) break;
        const nxt = end - OVERLAP;
        const space = masked.find(" ", nxt, end);
        start = space !== -1 && space + 1 < end ? space + 1 : nxt;
      }
    }
  }

  function prepare(text, lex) {
    let plain = text.s;
    for (const t of state.tables) plain = translate(plain, t);
    plain = plain.replace(state.patterns.trailing_off.g(), (m) => " ".repeat(cpLength(m)));
    return blankTitles(text, plain, lex).replace(/\u2018/g, "'");
  }

  function scan(text, lex, cues, notBefore, company) {
    const REACH = state.engine.reach;
    const NEAR = state.engine.near_speaker;
    const maskedStr = prepare(text, lex);
    const lowered = maskedStr.toLowerCase();
    const masked = new Text(maskedStr);
    let subject;
    let form;
    if (cpLength(lowered) === masked.n) {
      subject = new Text(lowered);
      form = "fast";
    } else {
      subject = masked;
      form = "full";
    }
    const spans = [];
    const triggers = lex.triggers[form];
    const firstPerson = lex.first_person[form];
    // crisis.py's company: the idioms of every lexicon in use cancel a match and any of them
    // may read the sentence as reported; only this lexicon's first-person words keep a match
    const everyone = [lex].concat((company || []).filter((other) => other !== lex));
    const idiomSets = everyone.filter((x) => x.idioms).map((x) => x.idioms[form]);
    const reporters = everyone.filter((x) => x.reported !== null).map((x) => x.reported[form]);
    const prefilter = form === "fast" && lex.prefilter;
    for (const [pStart, pEnd] of pieces(masked)) {
      let rules = lex.rules;
      let triggered = null;
      if (prefilter) {
        // as crisis.py: only the rules whose needed strings this piece has, and the trigger
        // words looked for once one of them matches (without them nothing counts)
        const piece = subject.slice(pStart, pEnd);
        const has = (s) => piece.indexOf(s) !== -1;
        rules = rules.filter((r) => r.needs === null || r.needs.every((need) => need.some(has)));
        if (rules.length === 0) continue;
      } else {
        if (!search(triggers, subject, pStart, pEnd)) continue;
        triggered = true;
      }
      let fpCache = null;
      let jokeCache = null;
      let reportedCache = null;
      for (const rule of rules) {
        if (triggered === false) break;
        for (const m of finditer(rule.pattern[form], subject, pStart, pEnd)) {
          if (triggered === null) triggered = !!search(triggers, subject, pStart, pEnd);
          if (!triggered) break;
          const mStart = m.start;
          const mEnd = m.end;
          const wStart = Math.max(pStart, mStart - REACH);
          const wEnd = Math.min(pEnd, mEnd + REACH);
          if (rule.exclude.some((x) => overlaps(x[form], subject, wStart, wEnd, mStart, mEnd))) continue;
          if (idiomSets.some((idiom) => overlaps(idiom, subject, wStart, wEnd, mStart, mEnd))) continue;
          if (rule.first_person) {
            if (fpCache === null) fpCache = !!search(firstPerson, subject, pStart, pEnd);
            if (!fpCache) continue;
          }
          if (rule.jokes_cancel) {
            if (jokeCache === null) jokeCache = !!search(lex.jokes[form], subject, pStart, pEnd);
            if (jokeCache) continue;
          }
          if (reporters.length > 0) {
            if (reportedCache === null) reportedCache = reporters.some((r) => !!search(r, subject, pStart, pEnd));
            if (reportedCache && !search(firstPerson, subject, Math.max(pStart, mStart - NEAR), mEnd)) continue;
          }
          if (negated(subject.slice(Math.max(pStart, mStart - REACH), mStart), lex, cues, notBefore)) continue;
          spans.push({ start: mStart, end: mEnd, kind: rule.kind, rule: rule.id, lang: lex.language });
        }
      }
    }
    return spans;
  }

  // ------------------------------------------------------------------ the model (crisis_model.py)

  function compileModel(json) {
    if (!json) return null;
    const n = json.labels.length;
    const fold = new Map();
    for (const key in json.fold) fold.set(Number(key), json.fold[key]);
    const weights = new Map();
    for (let i = 0; i < json.features.length; i++) weights.set(json.features[i], json.weights.slice(i * n, (i + 1) * n));
    return {
      labels: json.labels,
      charMin: json.char_min,
      charMax: json.char_max,
      limit: json.limit,
      fold,
      scale: json.scale,
      bias: json.bias,
      threshold: json.threshold,
      weights,
      negation: json.negation
        ? {
            cues: new Set(json.negation.cues),
            not_before: new Set(json.negation.not_before),
            breaks: new Set(json.negation.breaks),
            window: json.negation.window,
          }
        : null,
      concepts: json.concepts ? compileConcepts(json.concepts) : null,
    };
  }

  // crisis_model.concepts_from (the file was checked on the server)
  function compileConcepts(table) {
    const words = new Map();
    const prefixes = new Map();
    let maxPrefix = 0;
    for (const name of Object.keys(table.names)) {
      for (const entry of table.names[name]) {
        if (entry.endsWith("*")) {
          const key = entry.slice(0, -1);
          prefixes.set(key, name);
          maxPrefix = Math.max(maxPrefix, key.length);
        } else words.set(entry, name);
      }
    }
    return { words, prefixes, minPrefix: table.min_prefix, maxPrefix, pairGap: table.pair_gap };
  }

  // Concepts.of
  function conceptOf(concepts, token) {
    const found = concepts.words.get(token);
    if (found !== undefined) return found;
    for (let n = Math.min(token.length, concepts.maxPrefix); n >= concepts.minPrefix; n--) {
      const name = concepts.prefixes.get(token.slice(0, n));
      if (name !== undefined) return name;
    }
    return null;
  }

  // crisis_model.concept_features
  function conceptFeatures(tokens, negated, concepts) {
    const found = [];
    for (let i = 0; i < tokens.length; i++) {
      const name = conceptOf(concepts, tokens[i]);
      if (name !== null) found.push([i, negated.has(i) ? "!" + name : name]);
    }
    const out = found.map(([, name]) => "k" + name);
    for (let f = 0; f + 1 < found.length; f++) {
      if (found[f + 1][0] - found[f][0] <= concepts.pairGap) out.push("k" + found[f][1] + " " + found[f + 1][1]);
    }
    return out;
  }

  // Model.tokens: fold each code point, split at spaces
  function modelTokens(model, s) {
    const parts = [];
    for (const ch of s) {
      const code = ch.codePointAt(0);
      if (code >= model.limit) parts.push(" ");
      else {
        const folded = model.fold.get(code);
        parts.push(folded === undefined ? ch : folded);
      }
    }
    return parts.join("").split(" ").filter((t) => t.length > 0);
  }

  // Model.is_content
  function isContent(model, code, ch) {
    if (code >= model.limit) return false;
    const folded = model.fold.get(code);
    const f = folded === undefined ? ch : folded;
    return f.length > 0 && f.replace(/ /g, "").length > 0;
  }

  // crisis_model.negated_positions: where the tokens in the scope of a negation cue are
  function negatedPositions(tokens, starts, negation) {
    const out = [];
    let left = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (starts.has(i) || negation.breaks.has(token)) left = 0;
      if (negation.cues.has(token)) {
        const following = i + 1 < tokens.length && !starts.has(i + 1) ? tokens[i + 1] : "";
        left = negation.not_before.has(following) ? 0 : negation.window;
        continue;
      }
      if (left) {
        out.push(i);
        left--;
      }
    }
    return out;
  }

  // crisis_model.CLAUSE_MARKS
  const CLAUSE_MARKS = /[,:()"\u2013\u2014]/;

  // Model.features: the words and n-grams, then the words in a negation's scope and concepts
  function sentenceFeatures(model, piece) {
    if (!model.negation && !model.concepts) {
      return modelFeatures(modelTokens(model, piece), model.charMin, model.charMax, null);
    }
    const tokens = [];
    const starts = new Set();
    for (const clause of piece.split(CLAUSE_MARKS)) {
      starts.add(tokens.length);
      for (const token of modelTokens(model, clause)) tokens.push(token);
    }
    const scope = model.negation ? negatedPositions(tokens, starts, model.negation) : [];
    const extra = scope.map((i) => "n" + tokens[i]);
    if (model.concepts) for (const key of conceptFeatures(tokens, new Set(scope), model.concepts)) extra.push(key);
    return modelFeatures(tokens, model.charMin, model.charMax, extra);
  }

  // crisis_model.features: counts in the order met (folded text is below U+0800: no surrogates)
  function modelFeatures(tokens, charMin, charMax, extra) {
    const counts = new Map();
    const add = (key) => counts.set(key, (counts.get(key) || 0) + 1);
    if (tokens.length === 0) return counts;
    for (let i = 0; i < tokens.length; i++) {
      add("w" + tokens[i]);
      if (i + 1 < tokens.length) add("b" + tokens[i] + " " + tokens[i + 1]);
    }
    const joined = " " + tokens.join(" ") + " ";
    for (let n = charMin; n <= charMax; n++) {
      for (let i = 0; i + n <= joined.length; i++) add("c" + joined.slice(i, i + n));
    }
    if (extra) for (const key of extra) add(key);
    return counts;
  }

  // Model.scores: integer sums (exact), then the same double operations in the same order
  function modelScores(model, piece) {
    const counts = sentenceFeatures(model, piece);
    if (counts.size === 0) return null;
    const n = model.labels.length;
    const sums = new Array(n).fill(0);
    let squares = 0;
    for (const [key, count] of counts) {
      squares += count * count;
      const row = model.weights.get(key);
      if (row !== undefined) for (let k = 0; k < n; k++) sums[k] += count * row[k];
    }
    const norm = Math.sqrt(squares);
    return sums.map((sum, k) => model.bias[k] + (model.scale * sum) / norm);
  }

  // crisis.py's model_plain: _prepare without blanking titles
  function modelPlain(text) {
    let plain = text.s;
    for (const t of state.tables) plain = translate(plain, t);
    return plain.replace(state.patterns.trailing_off.g(), (m) => " ".repeat(cpLength(m)));
  }

  // crisis.py's _model_spans (positions in code points)
  function modelSpans(text, model) {
    const plain = new Text(modelPlain(text));
    const spans = [];
    for (let [start, end] of pieces(plain)) {
      const scores = modelScores(model, plain.slice(start, end));
      if (scores === null) continue;
      let top = 0;
      for (let k = 1; k < scores.length; k++) if (scores[k] > scores[top]) top = k;
      if (scores[top] < model.threshold) continue;
      const at = (i) => text.s.codePointAt(text.u(i));
      while (start < end && !isContent(model, at(start), String.fromCodePoint(at(start)))) start++;
      while (end > start && !isContent(model, at(end - 1), String.fromCodePoint(at(end - 1)))) end--;
      const kind = model.labels[top];
      spans.push({ start, end, kind, rule: "model." + kind, lang: "" });
    }
    return spans;
  }

  function normaliseLang(lang) {
    if (typeof lang !== "string" || !lang) return "en";
    return lang.replace(/_/g, "-").split("-")[0].toLowerCase();
  }

  function noHit(ready) {
    return { ready, hit: false, kinds: [], spans: [], harmFromOthers: false };
  }

  function isReady() {
    return state !== null && state.lexicons.length > 0;
  }

  function check(input, lang) {
    if (!isReady()) return noHit(false); // not loaded, or no lexicon this browser can run
    if (typeof input !== "string") return noHit(true);
    let text = new Text(input);
    if (search(state.space, text)) return noHit(true); // empty or only white space
    if (text.n > state.engine.max_chars) text = new Text(text.slice(0, state.engine.max_chars));
    const big = state.bigWord;
    variant = big.test(text.s) || big.test(text.s.toLowerCase()) ? "big" : "small";
    // crisis.py's _lexicons: by language code, the asked one (or English) first
    const lexicons = state.lexicons.slice().sort((a, b) => (a.language < b.language ? -1 : 1));
    const first = lang ? normaliseLang(lang) : "en";
    const at = lexicons.findIndex((lex) => lex.language === first);
    if (at > 0) lexicons.unshift(lexicons.splice(at, 1)[0]);
    const cues = new Set();
    const notBefore = new Set();
    for (const lex of lexicons) {
      lex.negation_cues.forEach((w) => cues.add(w));
      lex.not_before.forEach((w) => notBefore.add(w));
    }
    const found = new Map();
    for (const lex of lexicons) {
      try {
        for (const span of scan(text, lex, cues, notBefore, lexicons)) {
          const key = span.start + "," + span.end + "," + span.kind;
          if (!found.has(key)) found.set(key, span);
        }
      } catch (err) {
        logError("crisis check (" + lex.language + ") failed; no hit from this language", err);
      }
    }
    if (found.size === 0 && state.model) {
      try {
        for (const span of modelSpans(text, state.model)) {
          const key = span.start + "," + span.end + "," + span.kind;
          if (!found.has(key)) found.set(key, span);
        }
      } catch (err) {
        logError("crisis model failed; the rules' answer stands", err);
      }
    }
    if (found.size === 0) return noHit(true);
    const spans = Array.from(found.values()).sort(
      (a, b) => a.start - b.start || a.end - b.end || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
    );
    const present = new Set(spans.map((s) => s.kind));
    const kinds = state.engine.kind_order.filter((k) => present.has(k));
    if (kinds.length === 0) return noHit(true);
    for (const s of spans) {
      s.start = text.u(s.start);
      s.end = text.u(s.end);
    }
    return { ready: true, hit: true, kinds, spans, harmFromOthers: present.has("harm_from_others") };
  }

  function checkText(text, lang) {
    try {
      return check(text, lang);
    } catch (err) {
      logError("crisis check failed; treating the text as no hit", err);
      return noHit(isReady());
    }
  }

  const api = {
    checkText,
    setLexicons,
    load,
    compileAll,
    // for tests: every match of a translated pattern, [start, end] in code points
    _matches(source, text) {
      const t = new Text(text);
      variant = state.bigWord.test(text) ? "big" : "small";
      return Array.from(finditer(new Pattern(source), t), (m) => [m.start, m.end]);
    },
    classes: (which) => Object.assign({}, state && state.classes[which || "big"]),
    get ready() {
      readFetched();
      return readyPromise;
    },
    get problems() {
      return problems.slice();
    },
  };

  // A page that names the lexicons in data-lexicons fetches them at once, so every vault page
  // asks the server the same (when they are read is nothing it can see). Reading them costs
  // about a quarter of a second of CPU, so that waits until the person may write: the first
  // focus on a text field, or the first time a caller waits on `ready` (a save). Pages that
  // only show what is kept never read them.
  if (typeof document !== "undefined" && document.currentScript) {
    const url = document.currentScript.getAttribute("data-lexicons");
    if (url) {
      fetched = fetchText(url);
      fetched.catch(() => {}); // reported when read
      const onFocus = (event) => {
        const target = event.target;
        if (target && target.matches && target.matches(WRITING_FIELDS)) {
          document.removeEventListener("focusin", onFocus, true);
          readFetched();
        }
      };
      document.addEventListener("focusin", onFocus, true);
    }
  }
  return api;
});
