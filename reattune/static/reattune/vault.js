// reattune vault: end-to-end encrypted items, locked and unlocked in this browser only.
//
// The format (docs/vault.md): a random AES-256-GCM vault key encrypts every item (fresh 12-byte
// nonce; the item format, vault id, item id and kind bound as additional data: item format 2
// is written, "2." in front of the ciphertext; format 1, without it, is still read, and once
// the vault is open the person's remaining format 1 items are written again in format 2 in the
// background, one at a time, with the same version check as an edit). The key is wrapped twice:
// by a key derived from the vault passphrase (Argon2id through vendor/hash-wasm, or
// PBKDF2-SHA256 where WebAssembly is not available) and by a key derived from the recovery key
// (HKDF-SHA256). The server stores only ciphertext, wrapped keys and KDF parameters.
//
// The unlocked key is a NON-EXTRACTABLE CryptoKey. To stay open across the pages of one
// session it is kept in IndexedDB, which the browser writes to the device's disk, so only
// wrapped (AES-GCM) under the page's session secret (data-vault-wrap, derived by the server
// from this log-in's session and kept nowhere here), with an expiry equal to the idle time-out
// and the page's session tag; it is deleted on "Lock now", on idle expiry, on log-out from a
// vault page, and ignored (and deleted) under another session's tag. The passphrase, the
// recovery key and the vault key in a form that opens without the session are never stored.
//
// The pure functions (encoding, the format, the safety-screen scoring) are exported as
// window.reattuneVault so tests can run them (in the page, or in node for the scoring parity).
(function (root) {
  "use strict";

  var PREFIX = "reattune-vault/1/";
  var FORMAT = 1; // the keyring's format
  var ITEM_FORMAT = 2; // the item format written; 1 and 2 are read
  var ARGON2 = { name: "argon2id", memory_kib: 65536, iterations: 3, parallelism: 1 };
  var PBKDF2_ITERATIONS = 600000;
  var MIN_SCORE = 3; // zxcvbn: "safely unguessable" against a slow offline attack
  var MIN_LENGTH = 10;
  var enc = new TextEncoder();
  var dec = new TextDecoder("utf-8", { fatal: true });

  function VaultError(code, message) {
    this.name = "VaultError";
    this.code = code;
    this.message = message || code;
  }
  VaultError.prototype = Object.create(Error.prototype);

  // --- encodings --------------------------------------------------------------------------

  function b64uEncode(bytes) {
    bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    var out = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(out).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function b64uDecode(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
      throw new VaultError("encoding", "not base64url");
    }
    var padded = text.replace(/-/g, "+").replace(/_/g, "/");
    while (padded.length % 4) padded += "=";
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  var B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  function base32Encode(bytes) {
    var out = "", bits = 0, value = 0;
    for (var i = 0; i < bytes.length; i++) {
      value = (value << 8) | bytes[i];
      bits += 8;
      while (bits >= 5) {
        out += B32[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) out += B32[(value << (5 - bits)) & 31];
    return out;
  }

  function base32Decode(text) {
    var out = [], bits = 0, value = 0;
    for (var i = 0; i < text.length; i++) {
      var index = B32.indexOf(text[i]);
      if (index < 0) throw new VaultError("recovery-format");
      value = ((value << 5) | index) & 0xffff;
      bits += 5;
      if (bits >= 8) {
        out.push((value >>> (bits - 8)) & 255);
        bits -= 8;
      }
    }
    return new Uint8Array(out);
  }

  // 20 random bytes, shown as 32 base32 characters in 8 groups of 4.
  function formatRecoveryKey(bytes) {
    return base32Encode(bytes).match(/.{4}/g).join("-");
  }

  function parseRecoveryKey(text) {
    var clean = String(text || "").replace(/[\s-]+/g, "").toUpperCase();
    if (!/^[A-Z2-7]{32}$/.test(clean)) throw new VaultError("recovery-format");
    return base32Decode(clean);
  }

  function concat(a, b) {
    var tail = new Uint8Array(b);
    var out = new Uint8Array(a.length + tail.length);
    out.set(a, 0);
    out.set(tail, a.length);
    return out;
  }

  function randomBytes(n) {
    return root.crypto.getRandomValues(new Uint8Array(n));
  }

  function uuid4() {
    if (root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  // ISO 8601 with the local offset, e.g. 2026-12-06T14:05:09+01:00.
  function isoWithOffset(date) {
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    var abs = Math.abs(offset);
    return date.getFullYear() + "-" + pad2(date.getMonth() + 1) + "-" + pad2(date.getDate()) +
      "T" + pad2(date.getHours()) + ":" + pad2(date.getMinutes()) + ":" + pad2(date.getSeconds()) +
      sign + pad2(Math.floor(abs / 60)) + ":" + pad2(abs % 60);
  }

  // --- the format ---------------------------------------------------------------------------

  function subtle() {
    if (!root.crypto || !root.crypto.subtle) throw new VaultError("no-webcrypto");
    return root.crypto.subtle;
  }

  function wrapAad(purpose, vaultId) { return enc.encode(PREFIX + "wrap/" + purpose + "/" + vaultId); }
  // The item format is part of the additional data: "reattune-vault/<format>/item/...".
  function itemAad(itemFormat, vaultId, itemId, kind) {
    return enc.encode("reattune-vault/" + itemFormat + "/item/" + vaultId + "/" + itemId + "/" + kind);
  }

  // [item format, base64url] of a ciphertext: "2." in front is format 2, no dot is format 1;
  // any other marker is refused, never guessed (so it cannot be changed to pick a format).
  function splitCiphertext(ciphertext) {
    if (typeof ciphertext !== "string") throw new VaultError("encoding", "not a ciphertext");
    var dot = ciphertext.indexOf(".");
    if (dot < 0) return [1, ciphertext];
    if (ciphertext.slice(0, dot) !== "2") throw new VaultError("item-format", "unknown item format");
    return [2, ciphertext.slice(dot + 1)];
  }

  function newKdf() {
    var salt = b64uEncode(randomBytes(16));
    if (argon2Available()) {
      return { name: ARGON2.name, memory_kib: ARGON2.memory_kib, iterations: ARGON2.iterations,
        parallelism: ARGON2.parallelism, salt: salt };
    }
    return { name: "pbkdf2-sha256", iterations: PBKDF2_ITERATIONS, salt: salt };
  }

  function argon2Available() {
    return typeof root.WebAssembly === "object" && !!(root.hashwasm && root.hashwasm.argon2id);
  }

  // The passphrase KEK: Argon2id (or PBKDF2-SHA256) of the NFC passphrase, as an AES-GCM key.
  // What the browser accepts from the server before deriving anything: a server must not be
  // able to weaken the derivation (too little memory or work) or freeze the tab (too much).
  var KDF_BOUNDS = {
    argon2id: { memory_kib: [65536, 1048576], iterations: [3, 64], parallelism: [1, 16] },
    "pbkdf2-sha256": { iterations: [600000, 10000000] },
  };

  function checkKdf(kdf) {
    var bounds = kdf && Object.prototype.hasOwnProperty.call(KDF_BOUNDS, kdf.name) ? KDF_BOUNDS[kdf.name] : null;
    if (!bounds) throw new VaultError("kdf", "unknown key derivation");
    Object.keys(bounds).forEach(function (field) {
      var value = kdf[field];
      if (typeof value !== "number" || Math.floor(value) !== value ||
          value < bounds[field][0] || value > bounds[field][1]) {
        throw new VaultError("kdf", "key settings out of range: " + field);
      }
    });
    var salt = b64uDecode(kdf.salt);
    if (salt.length < 16 || salt.length > 64) throw new VaultError("kdf", "key settings out of range: salt");
    return salt;
  }

  function passphraseKek(passphrase, kdf) {
    var salt;
    try {
      salt = checkKdf(kdf);
    } catch (error) {
      return Promise.reject(error);
    }
    var password = enc.encode(String(passphrase).normalize("NFC"));
    if (kdf.name === "argon2id") {
      if (!argon2Available()) return Promise.reject(new VaultError("no-argon2"));
      return root.hashwasm.argon2id({
        password: password, salt: salt, parallelism: kdf.parallelism, iterations: kdf.iterations,
        memorySize: kdf.memory_kib, hashLength: 32, outputType: "binary",
      }).then(function (raw) {
        return subtle().importKey("raw", raw, { name: "AES-GCM" }, false, ["wrapKey", "unwrapKey"])
          .then(function (kek) { raw.fill(0); return kek; });
      });
    }
    if (kdf.name === "pbkdf2-sha256") {
      return subtle().importKey("raw", password, "PBKDF2", false, ["deriveKey"]).then(function (base) {
        return subtle().deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: kdf.iterations },
          base, { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
      });
    }
    return Promise.reject(new VaultError("kdf", "unknown key derivation " + kdf.name));
  }

  // The recovery KEK: HKDF-SHA256(the 20 bytes, salt = vault id, info = ".../recovery").
  function recoveryKek(bytes, vaultId) {
    return subtle().importKey("raw", bytes, "HKDF", false, ["deriveKey"]).then(function (base) {
      return subtle().deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: enc.encode(vaultId), info: enc.encode(PREFIX + "recovery") },
        base, { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
    });
  }

  function wrap(kek, vaultKey, purpose, vaultId) {
    var iv = randomBytes(12);
    return subtle().wrapKey("raw", vaultKey, kek, { name: "AES-GCM", iv: iv, additionalData: wrapAad(purpose, vaultId) })
      .then(function (ct) { return b64uEncode(concat(iv, ct)); });
  }

  // Unwraps the vault key; a wrong passphrase or recovery key fails the GCM tag: "wrong-key".
  function unwrap(kek, wrapped, purpose, vaultId, extractable) {
    var bytes = b64uDecode(wrapped);
    return subtle().unwrapKey("raw", bytes.subarray(12), kek,
      { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: wrapAad(purpose, vaultId) },
      { name: "AES-GCM" }, !!extractable, ["encrypt", "decrypt"])
      .catch(function () { throw new VaultError("wrong-key"); });
  }

  function newVaultKey() {
    return subtle().generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  }

  // A non-extractable copy of an extractable key; the raw bytes are zeroed at once.
  function sessionCopy(key) {
    return subtle().exportKey("raw", key).then(function (raw) {
      var bytes = new Uint8Array(raw);
      return subtle().importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"])
        .then(function (copy) { bytes.fill(0); return copy; });
    });
  }

  function encryptItem(key, vaultId, itemId, kind, data) {
    var iv = randomBytes(12);
    return subtle().encrypt({ name: "AES-GCM", iv: iv, additionalData: itemAad(ITEM_FORMAT, vaultId, itemId, kind) },
      key, enc.encode(JSON.stringify(data)))
      .then(function (ct) { return ITEM_FORMAT + "." + b64uEncode(concat(iv, ct)); });
  }

  // Rejects (never opens) an item whose format marker, id, kind, vault or bytes were changed.
  function decryptItem(key, vaultId, item) {
    var parts, bytes;
    try {
      parts = splitCiphertext(item.ciphertext);
      bytes = b64uDecode(parts[1]);
    } catch (error) {
      return Promise.reject(error);
    }
    return subtle().decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: itemAad(parts[0], vaultId, item.item_id, item.kind) },
      key, bytes.subarray(12))
      .then(function (plain) { return JSON.parse(dec.decode(plain)); });
  }

  // --- the safety screen, scored here (a port of reattune/domain/safety/screen.py) -------------

  function ScreenAnswerError(message, missing) {
    this.name = "ScreenAnswerError";
    this.message = message;
    this.missing = missing || [];
  }
  ScreenAnswerError.prototype = Object.create(Error.prototype);

  var SKIP_VALUE = "skip";

  function isInt(v) { return typeof v === "number" && Number.isInteger(v); }

  // screen: {version, items: [{id, area, type, values, positive_at, urgent}]} (the page's JSON).
  function evaluateScreen(answers, screen) {
    if (answers === null || answers === undefined) answers = {};
    if (typeof answers !== "object" || Array.isArray(answers)) {
      throw new ScreenAnswerError("answers must be a mapping of item id to answer");
    }
    var byId = {};
    screen.items.forEach(function (item) { byId[item.id] = item; });
    var areas = {}, noted = {}, urgent = false, answered = 0;
    Object.keys(answers).forEach(function (itemId) {
      var item = Object.prototype.hasOwnProperty.call(byId, itemId) ? byId[itemId] : null;
      if (!item) throw new ScreenAnswerError("unknown safety screen item " + itemId);
      var value = answers[itemId];
      if (value === null) return;
      if (item.type === "yes_no") {
        if (typeof value === "boolean") { /* as is */ }
        else if (isInt(value) && (value === 0 || value === 1)) value = value === 1;
        else throw new ScreenAnswerError("item " + itemId + ": not yes or no");
      } else if (typeof value === "boolean" || !isInt(value) || item.values.indexOf(value) < 0) {
        throw new ScreenAnswerError("item " + itemId + ": not on the scale");
      }
      answered += 1;
      var reached = item.type === "yes_no" ? (!!value && !!item.positive_at) : value >= item.positive_at;
      if (reached) {
        areas[item.area] = true;
        urgent = urgent || !!item.urgent;
      } else if (value) {
        noted[item.area] = true;
      }
    });
    var areaList = Object.keys(areas).sort();
    var notedList = Object.keys(noted).filter(function (a) { return !areas[a]; }).sort();
    var positive = areaList.length > 0;
    return {
      positive: positive, areas: areaList, urgent: urgent, noted: notedList, answered: answered,
      outcome_ids: positive ? (urgent ? ["urgent"] : []).concat(["positive", "couples_note"])
        : (notedList.length ? ["noted"] : ["negative"]),
    };
  }

  // fields: {name: [every submitted value]}; the same refusals as parse_submission.
  function parseSubmission(fields, screen, ignore) {
    var ignored = ignore || ["csrfmiddlewaretoken"];
    var known = {};
    screen.items.forEach(function (item) { known[item.id] = true; });
    var unknown = Object.keys(fields).filter(function (k) { return !known[k] && ignored.indexOf(k) < 0; });
    if (unknown.length) {
      throw new ScreenAnswerError("This form had fields it does not know, so nothing was saved. Please reload the page and answer again.");
    }
    var answers = {}, missing = [];
    for (var i = 0; i < screen.items.length; i++) {
      var item = screen.items[i];
      var values = (fields[item.id] || []).map(function (v) { return typeof v === "string" ? v.trim() : v; })
        .filter(function (v) { return v !== ""; });
      if (!values.length) { missing.push(item.id); continue; }
      if (values.length > 1) {
        throw new ScreenAnswerError("A question came back with more than one answer, so nothing was saved. Please choose one answer for each question.");
      }
      var raw = values[0];
      if (raw === SKIP_VALUE) answers[item.id] = null;
      else if (item.type === "yes_no" && (raw === "yes" || raw === "no")) answers[item.id] = raw === "yes";
      else if (item.type === "frequency" && item.values.map(String).indexOf(raw) >= 0) answers[item.id] = parseInt(raw, 10);
      else throw new ScreenAnswerError("An answer was not one of the choices, so nothing was saved. Please reload the page and answer again.");
    }
    var all = Object.keys(answers);
    if (missing.length === screen.items.length ||
        (!missing.length && all.every(function (k) { return answers[k] === null; }))) {
      throw new ScreenAnswerError("No question was answered, so nothing was saved. Choose an answer for each question (or \u201cPrefer not to say\u201d).");
    }
    if (missing.length) {
      throw new ScreenAnswerError(missing.length + " of " + screen.items.length + " questions have no answer yet, so nothing was saved. Choose an answer or \u201cPrefer not to say\u201d for each of them.", missing);
    }
    return answers;
  }

  var Vault = {
    FORMAT: FORMAT, ITEM_FORMAT: ITEM_FORMAT, splitCiphertext: splitCiphertext, VaultError: VaultError, ScreenAnswerError: ScreenAnswerError,
    b64uEncode: b64uEncode, b64uDecode: b64uDecode, base32Encode: base32Encode,
    formatRecoveryKey: formatRecoveryKey, parseRecoveryKey: parseRecoveryKey,
    passphraseKek: passphraseKek, recoveryKek: recoveryKek, wrap: wrap, unwrap: unwrap,
    newVaultKey: newVaultKey, sessionCopy: sessionCopy, encryptItem: encryptItem,
    decryptItem: decryptItem, evaluateScreen: evaluateScreen, parseSubmission: parseSubmission,
    isoWithOffset: isoWithOffset, uuid4: uuid4,
  };
  root.reattuneVault = Vault;
  if (typeof document === "undefined") return; // node: the functions only

  // --- keeping the unlocked key for the session ---------------------------------------------

  var DB_NAME = "reattune-vault", STORE = "keys", SLOT = "current";

  function idb(mode, action) {
    return new Promise(function (resolve, reject) {
      if (!root.indexedDB) { resolve(undefined); return; }
      var open = root.indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore(STORE); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result, request;
        var tx = db.transaction(STORE, mode);
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
        request = action(tx.objectStore(STORE));
      };
    });
  }
  var kept = {
    load: function () { return idb("readonly", function (s) { return s.get(SLOT); }); },
    save: function (record) { return idb("readwrite", function (s) { return s.put(record, SLOT); }); },
    forget: function () { return idb("readwrite", function (s) { return s.delete(SLOT); }).catch(function () {}); },
  };
  Vault.forgetKey = kept.forget;

  // IndexedDB is written to the device's disk, so the key is kept there only wrapped (AES-GCM)
  // under the session secret of the page (data-vault-wrap: made by the server from this
  // log-in's session and sent with each page, which is never cached; this script keeps it
  // nowhere). What is left in the browser's files opens nothing once the session has ended.
  var SESSION_AAD = PREFIX + "session/";
  function sessionKek(secret) {
    return subtle().importKey("raw", b64uDecode(secret), { name: "AES-GCM" }, false, ["wrapKey", "unwrapKey"]);
  }
  // {wrapped, iv}: an extractable vault key wrapped for this session's record.
  function sealForSession(secret, vaultId, key) {
    var iv = randomBytes(12);
    return sessionKek(secret).then(function (kek) {
      return subtle().wrapKey("raw", key, kek, { name: "AES-GCM", iv: iv, additionalData: enc.encode(SESSION_AAD + vaultId) });
    }).then(function (wrapped) { return { wrapped: new Uint8Array(wrapped), iv: iv }; });
  }
  // The kept record's key, non-extractable, when it belongs to this log-in (tag) and has not
  // expired; null otherwise (and for a record another session's secret wrapped).
  function openRecord(record, sessionTag, secret) {
    if (!record || record.tag !== sessionTag || !(record.expires > Date.now()) || !record.wrapped || !record.iv || !secret) {
      return Promise.resolve(null);
    }
    return sessionKek(secret).then(function (kek) {
      return subtle().unwrapKey("raw", record.wrapped, kek,
        { name: "AES-GCM", iv: record.iv, additionalData: enc.encode(SESSION_AAD + record.vault_id) },
        { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    }).then(null, function () { return null; });
  }
  // vault-rest.js: safety mode from a vault safety check. {vault_id, key} or null.
  Vault.openKept = function (sessionTag, secret) {
    return kept.load().then(function (record) {
      return openRecord(record, sessionTag, secret).then(function (key) {
        return key ? { vault_id: record.vault_id, key: key } : null;
      });
    });
  };

  // Log-out from any vault page forgets the key before the form leaves.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.action || !/\/logout\/$/.test(new URL(form.action, location.href).pathname)) return;
    if (form.getAttribute("data-vault-cleared")) return;
    event.preventDefault();
    kept.forget().then(function () {
      form.setAttribute("data-vault-cleared", "1");
      form.submit();
    });
  }, true);

  var el = document.getElementById("vault");
  if (!el) return;

  var page = el.getAttribute("data-vault-page");
  var tag = el.getAttribute("data-vault-tag");
  var wrapSecret = el.getAttribute("data-vault-wrap");
  var idleMs = parseInt(el.getAttribute("data-vault-idle"), 10) * 1000;
  var API = el.getAttribute("data-vault-api");
  var JOURNAL_API = el.getAttribute("data-journal-api");
  var state = { keyring: null, key: null, sealed: null, touched: 0 };

  // A draft from the coach ("Keep it in my vault", static/reattune/coach.js) comes
  // through this tab's sessionStorage, never a URL: it is taken out at once, held here in
  // memory only, and put in the new-entry form once the vault is open. Nothing is saved (or
  // sent) until the person presses "Save to my vault", which encrypts it first.
  var COACH_DRAFT = "reattune-coach-draft", COACH_DRAFT_MS = 30 * 60 * 1000;
  var coachDraft = null;
  if (page === "journal") {
    try {
      var handed = root.sessionStorage.getItem(COACH_DRAFT);
      if (handed !== null) {
        root.sessionStorage.removeItem(COACH_DRAFT);
        var draft = JSON.parse(handed);
        // Only a draft of this log-in (the same tag): never one left by someone else who
        // used this tab before a time-out.
        if (draft && typeof draft.text === "string" && draft.text.trim() && draft.tag === tag &&
            typeof draft.at === "number" && Date.now() - draft.at < COACH_DRAFT_MS) {
          coachDraft = draft.text;
        }
      }
    } catch (e) { coachDraft = null; }
  }
  // An entry to make private by moving it in (the journal's "Make private: move into my
  // vault" and "Move into my vault" lead here with ?move=<entry id>): offered, with what it
  // is, once the vault is open, and moved only when the person says so.
  var moveId = null;
  if (page === "journal") {
    var asked = new URLSearchParams(root.location.search).get("move");
    if (asked && /^[1-9][0-9]{0,15}$/.test(asked)) moveId = parseInt(asked, 10);
  }
  var channel = root.BroadcastChannel ? new BroadcastChannel("reattune-vault") : null;

  // --- the server ---------------------------------------------------------------------------

  function csrf() {
    var match = document.cookie.match(/(?:^|; )reattune_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") options.headers["X-CSRFToken"] = csrf();
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var write = method !== "GET";
    if (write) writing++;
    var done = function (value) { if (write) writing--; return value; };
    return fetch(url, options).then(function (response) {
      var parse = response.status === 204 ? Promise.resolve(null) : response.json().catch(function () { return null; });
      return parse.then(function (data) {
        if (!response.ok) {
          var error = new VaultError("http", detailOf(data) || "The server answered " + response.status + ".");
          error.status = response.status;
          throw error;
        }
        return { status: response.status, data: data };
      });
    }).then(done, function (error) { done(); throw error; });
  }

  function detailOf(data) {
    if (!data || data.detail === undefined) return "";
    if (typeof data.detail === "string") return data.detail;
    return "Something in the request did not fit.";
  }

  // --- page state ---------------------------------------------------------------------------

  var STATUS = {
    loading: "Checking your vault…",
    none: "You have no vault yet.",
    locked: "Your vault is locked.",
    unlocked: "Your vault is open in this browser. Only you can read what is in it.",
    recovery: "Your vault is ready. Keep your recovery key now: it is shown only once.",
    failed: "We could not reach your vault.",
  };

  function show(name) {
    el.querySelectorAll("[data-vault-state]").forEach(function (node) {
      node.hidden = node.getAttribute("data-vault-state") !== name;
    });
    status(STATUS[name] || "");
    var waiting = el.querySelector("[data-coach-draft-waiting]");
    if (waiting) waiting.hidden = !(coachDraft !== null && name === "locked");
    var moveWaiting = el.querySelector("[data-move-waiting]");
    if (moveWaiting) moveWaiting.hidden = !(moveId !== null && name === "locked");
    var lock = el.querySelector("[data-vault-lock]");
    if (lock) lock.hidden = !(name === "unlocked" || name === "recovery");
    el.setAttribute("data-vault-shown", name);
  }

  function status(text) {
    var node = el.querySelector("[data-vault-status]");
    if (node) node.textContent = text;
  }

  function formError(form, text) {
    var node = form.querySelector("[data-vault-error]");
    if (node) node.textContent = text || "";
  }

  function busy(form, on, text) {
    form.querySelectorAll("button, input, textarea").forEach(function (b) { b.disabled = on; });
    if (text !== undefined) formError(form, "");
    if (on && text) status(text);
  }

  function failed(error) {
    var text = el.querySelector("[data-vault-failed-text]");
    if (text && error && error.code === "no-webcrypto") {
      text.textContent = "This browser cannot open the vault here: it needs a secure connection (an address starting with https) and a current browser.";
    }
    show("failed");
  }

  function messageFor(error) {
    if (!error) return "";
    if (error.code === "wrong-key") return "";
    if (error.code === "kdf") return "Your vault's key settings, as this server sent them, are outside what this browser accepts, so it did not try your passphrase. Nothing was changed. If this keeps happening, ask whoever runs the server what changed.";
    if (error.status === 409) return "Your vault was changed in another window. Please reload the page and try again.";
    if (error.status === 401 || error.status === 403) return "Your session has ended. Please log in again; nothing was changed.";
    if (error.status === 404) return "That is no longer in your vault.";
    if (error.code === "http") return error.message;
    if (root.console) root.console.warn("vault: " + (error.name || "") + " " + (error.code || ""), error.message);
    return "Something went wrong and nothing was saved. Please try again.";
  }

  // --- locking and unlocking ----------------------------------------------------------------

  // key: the non-extractable key used here; sealed: the same key wrapped for the session's
  // record (kept from the last call when not given).
  function keep(key, sealed) {
    state.key = key;
    if (sealed) state.sealed = sealed;
    state.touched = Date.now();
    if (!state.sealed) return Promise.resolve();
    return kept.save({ vault_id: state.keyring.vault_id, tag: tag, wrapped: state.sealed.wrapped,
      iv: state.sealed.iv, expires: Date.now() + idleMs })
      .catch(function () { /* no IndexedDB: open for this page only */ });
  }

  // An extractable vault key (just unwrapped, or made at set-up): wrapped for the session's
  // record, and a non-extractable copy kept for use; the caller drops the extractable one.
  function hold(extractable) {
    var vaultId = state.keyring.vault_id;
    return Promise.resolve()
      .then(function () { return sealForSession(wrapSecret, vaultId, extractable); })
      .then(null, function () { return null; }) // no session secret: open for this page only
      .then(function (sealed) {
        return sessionCopy(extractable).then(function (copy) { return keep(copy, sealed); });
      });
  }

  function touch() {
    if (!state.key || Date.now() - state.touched < 15000) return;
    keep(state.key);
  }
  ["keydown", "pointerdown", "submit"].forEach(function (type) { document.addEventListener(type, touch, true); });

  function lock(reason) {
    state.key = null;
    state.sealed = null;
    clearPlaintext();
    return kept.forget().then(function () {
      if (channel && reason !== "elsewhere") channel.postMessage("locked");
      show(state.keyring ? "locked" : "none");
      if (reason === "idle") status("Your vault was locked because it was not used for a while.");
      if (reason === "now") status("Your vault is locked. Only your passphrase opens it again.");
    });
  }

  if (channel) {
    channel.onmessage = function (event) {
      if (event.data === "locked" && state.key) lock("elsewhere");
      if (event.data === "changed") resync();
    };
  }

  // Items drawn here may be deleted (or changed) in another window or on another device. When
  // this page is shown again (another tab, another app, the phone woken) and when another tab
  // of this browser says it changed the vault, the open page reads its list again and takes
  // off what is no longer in the vault, saying so plainly. Not while this page is writing.
  // One look at a time ("focus" and "visibilitychange" often come together); a request to
  // look again while one runs is kept and done after it.
  var syncing = null, syncAgain = false, writing = 0;
  function resync() {
    var current = PAGES[page];
    if (!state.key || !current || !current.sync || writing > 0) return;
    if (syncing) { syncAgain = true; return; }
    syncing = current.sync().catch(function (error) { status(messageFor(error)); })
      .then(function () {
        syncing = null;
        if (syncAgain) { syncAgain = false; resync(); }
      });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") resync();
  });
  root.addEventListener("focus", function () { resync(); });

  // After a write of this page: other tabs of this browser look again (see resync).
  function announce(result) {
    if (channel) channel.postMessage("changed");
    return result;
  }

  // Every few seconds: is the kept key still there and within its idle time?
  setInterval(function () {
    if (!state.key) return;
    kept.load().then(function (record) {
      if (!record || record.expires < Date.now()) lock(record ? "idle" : "elsewhere");
    }, function () {});
  }, 5000);

  var lockButton = el.querySelector("[data-vault-lock]");
  if (lockButton) lockButton.addEventListener("click", function () { lock("now"); });

  function restore() {
    return kept.load().then(function (record) {
      var mine = record && record.vault_id === state.keyring.vault_id ? record : null;
      return openRecord(mine, tag, wrapSecret).then(function (key) {
        if (key) return keep(key, { wrapped: record.wrapped, iv: record.iv }).then(function () { return true; });
        if (record) return kept.forget().then(function () { return false; });
        return false;
      });
    }, function () { return false; });
  }

  function loadKeyring() {
    return api("GET", API).then(function (r) { state.keyring = r.data; return r.data; }, function (error) {
      if (error.status === 404) { state.keyring = null; return null; }
      throw error;
    });
  }

  function unlocked() {
    show("unlocked");
    var ready = PAGES[page] && PAGES[page].open ? PAGES[page].open() : Promise.resolve();
    return ready.catch(function (error) { status(messageFor(error)); })
      .then(function () { upgradeOld(); }); // in the background: not waited for
  }

  function clearPlaintext() {
    if (PAGES[page] && PAGES[page].clear) PAGES[page].clear();
    el.querySelectorAll("form").forEach(function (form) { form.reset(); formError(form, ""); });
  }

  on("unlock", function (form) {
    var input = form.querySelector("input[type=password]");
    var passphrase = input.value;
    if (!passphrase) { formError(form, "Please enter your vault passphrase."); return; }
    busy(form, true, "Opening your vault…");
    if (root.performance && performance.mark) performance.mark("vault-unlock-start");
    passphraseKek(passphrase, state.keyring.kdf)
      .then(function (kek) { return unwrap(kek, state.keyring.wrapped_key_passphrase, "passphrase", state.keyring.vault_id, true); })
      .then(function (key) { return hold(key); })
      .then(function () {
        if (root.performance && performance.mark) performance.mark("vault-unlock-end");
        busy(form, false);
        form.reset();
        return unlocked();
      })
      .catch(function (error) {
        busy(form, false);
        if (error.code === "wrong-key") {
          formError(form, "That is not your vault passphrase. Please check it and try again: you can try as often as you need.");
          status(STATUS.locked);
          input.select();
        } else {
          formError(form, messageFor(error));
          status(STATUS.locked);
        }
      });
  });

  // --- passphrase strength (zxcvbn-ts, loaded on first use) ---------------------------------

  var zxcvbnLoading = null;
  function zxcvbn() {
    if (root.reattuneZxcvbn) return Promise.resolve(root.reattuneZxcvbn);
    if (!zxcvbnLoading) {
      zxcvbnLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = el.getAttribute("data-zxcvbn-src");
        script.onload = function () { resolve(root.reattuneZxcvbn); };
        script.onerror = function () { zxcvbnLoading = null; reject(new VaultError("strength")); };
        document.head.appendChild(script);
      });
    }
    return zxcvbnLoading;
  }

  function strength(passphrase) {
    return zxcvbn().then(function (check) {
      var result = check(passphrase, ["reattune", "vault", "passphrase"]);
      var ok = result.score >= MIN_SCORE && passphrase.length >= MIN_LENGTH;
      var words = ["very weak", "weak", "fair", "good", "strong"][result.score];
      var hint = "";
      if (!ok) {
        hint = passphrase.length < MIN_LENGTH
          ? " Use at least " + MIN_LENGTH + " characters: a few unrelated words work well."
          : " " + (result.feedback.warning || "It would be too easy to guess.") +
            " " + (result.feedback.suggestions[0] || "Add another word or two.");
      }
      return { ok: ok, score: result.score, text: "Strength: " + words + "." + hint };
    });
  }

  el.querySelectorAll("[data-strength]").forEach(function (box) {
    var field = box.closest(".field").querySelector("input[type=password]");
    var meter = box.querySelector("[data-strength-meter]");
    var text = box.querySelector("[data-strength-text]");
    var timer = null;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!field.value) { meter.value = 0; text.textContent = "Strength: start typing."; return; }
        strength(field.value).then(function (s) { meter.value = s.score; text.textContent = s.text; },
          function () { text.textContent = "Strength: could not be checked."; });
      }, 150);
    });
  });

  // Checks a new passphrase and its confirmation; resolves to an error text or "".
  function checkNew(passphrase, confirm) {
    if (!passphrase) return Promise.resolve("Please choose a passphrase.");
    if (passphrase !== confirm) return Promise.resolve("The two passphrases are not the same. Please type them again.");
    return strength(passphrase).then(function (s) {
      return s.ok ? "" : "This passphrase is too easy to guess, so it cannot protect your vault." + s.text.replace(/^Strength: [a-z ]+\./, "");
    }, function () { return "The strength of your passphrase could not be checked. Please reload the page and try again."; });
  }

  // --- setting up, the recovery key, changing keys ----------------------------------------

  function showRecoveryKey(bytes) {
    var node = el.querySelector("[data-recovery-key]");
    node.textContent = formatRecoveryKey(bytes);
    bytes.fill(0);
    show("recovery");
    var heading = document.getElementById("recovery-title");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  on("setup", function (form) {
    var passphrase = form.querySelector("#setup-passphrase").value;
    var confirm = form.querySelector("#setup-confirm").value;
    var understood = form.querySelector("#setup-understand").checked;
    checkNew(passphrase, confirm).then(function (problem) {
      if (!problem && !understood) problem = "Please tick the box to confirm you understand what happens if both are lost.";
      if (problem) { formError(form, problem); return; }
      busy(form, true, "Creating your vault… this takes a moment.");
      var vaultId = uuid4(), kdf = newKdf(), recovery = randomBytes(20), vaultKey, body;
      return newVaultKey()
        .then(function (key) { vaultKey = key; return passphraseKek(passphrase, kdf); })
        .then(function (kek) { return wrap(kek, vaultKey, "passphrase", vaultId); })
        .then(function (wp) {
          body = { vault_id: vaultId, format: FORMAT, kdf: kdf, wrapped_key_passphrase: wp };
          return recoveryKek(recovery, vaultId);
        })
        .then(function (rkek) { return wrap(rkek, vaultKey, "recovery", vaultId); })
        .then(function (wr) {
          body.wrapped_key_recovery = wr;
          return api("POST", API, body);
        })
        .then(function () { return loadKeyring(); })
        .then(function () { return hold(vaultKey); })
        .then(function () { vaultKey = null; })
        .then(function () { busy(form, false); form.reset(); showRecoveryKey(recovery); })
        .catch(function (error) {
          busy(form, false);
          formError(form, error.status === 409 ? "You already have a vault. Please reload the page." : messageFor(error));
          status(STATUS.none);
        });
    });
  });

  on("recovery-done", function (form) {
    if (!form.querySelector("#recovery-kept").checked) {
      formError(form, "Please tick the box once your recovery key is written down or printed.");
      return;
    }
    el.querySelector("[data-recovery-key]").textContent = "";
    form.reset();
    unlocked();
  });

  var printButton = el.querySelector("[data-vault-print]");
  if (printButton) printButton.addEventListener("click", function () { root.print(); });

  function rewrap(body) {
    var keyring = state.keyring;
    return api("PUT", API + "/keys", {
      key_version: keyring.key_version,
      kdf: body.kdf || keyring.kdf,
      wrapped_key_passphrase: body.wrapped_key_passphrase || keyring.wrapped_key_passphrase,
      wrapped_key_recovery: body.wrapped_key_recovery || keyring.wrapped_key_recovery,
    }).then(loadKeyring);
  }

  on("change", function (form) {
    var current = form.querySelector("#change-current").value;
    var passphrase = form.querySelector("#change-passphrase").value;
    var confirm = form.querySelector("#change-confirm").value;
    checkNew(passphrase, confirm).then(function (problem) {
      if (!current) problem = "Please enter your current passphrase.";
      if (problem) { formError(form, problem); return; }
      busy(form, true, "Changing your passphrase…");
      var keyring = state.keyring, kdf = newKdf();
      return passphraseKek(current, keyring.kdf)
        .then(function (kek) { return unwrap(kek, keyring.wrapped_key_passphrase, "passphrase", keyring.vault_id, true); })
        .then(function (vaultKey) {
          return passphraseKek(passphrase, kdf).then(function (kek) { return wrap(kek, vaultKey, "passphrase", keyring.vault_id); });
        })
        .then(function (wp) { return rewrap({ kdf: kdf, wrapped_key_passphrase: wp }); })
        .then(function () {
          busy(form, false);
          form.reset();
          formError(form, "");
          status("Your passphrase is changed. Use the new one from now on; your recovery key still works.");
        })
        .catch(function (error) {
          busy(form, false);
          formError(form, error.code === "wrong-key" ? "That is not your current passphrase. Nothing was changed." : messageFor(error));
        });
    });
  });

  on("new-recovery", function (form) {
    var passphrase = form.querySelector("#newkey-passphrase").value;
    if (!passphrase) { formError(form, "Please enter your vault passphrase."); return; }
    busy(form, true, "Making a new recovery key…");
    var keyring = state.keyring, recovery = randomBytes(20);
    passphraseKek(passphrase, keyring.kdf)
      .then(function (kek) { return unwrap(kek, keyring.wrapped_key_passphrase, "passphrase", keyring.vault_id, true); })
      .then(function (vaultKey) {
        return recoveryKek(recovery, keyring.vault_id).then(function (rkek) { return wrap(rkek, vaultKey, "recovery", keyring.vault_id); });
      })
      .then(function (wr) { return rewrap({ wrapped_key_recovery: wr }); })
      .then(function () { busy(form, false); form.reset(); showRecoveryKey(recovery); })
      .catch(function (error) {
        busy(form, false);
        formError(form, error.code === "wrong-key" ? "That is not your vault passphrase. Nothing was changed." : messageFor(error));
      });
  });

  on("recover", function (form) {
    var bytes;
    try { bytes = parseRecoveryKey(form.querySelector("#recover-key").value); }
    catch (e) {
      formError(form, "A recovery key has 32 letters (A to Z) and digits (2 to 7). Please check it and type it again.");
      return;
    }
    var passphrase = form.querySelector("#recover-passphrase").value;
    var confirm = form.querySelector("#recover-confirm").value;
    checkNew(passphrase, confirm).then(function (problem) {
      if (problem) { formError(form, problem); return; }
      busy(form, true, "Opening your vault with your recovery key…");
      var keyring = state.keyring, kdf = newKdf(), vaultKey;
      return recoveryKek(bytes, keyring.vault_id)
        .then(function (rkek) { return unwrap(rkek, keyring.wrapped_key_recovery, "recovery", keyring.vault_id, true); })
        .then(function (key) { vaultKey = key; return passphraseKek(passphrase, kdf); })
        .then(function (kek) { return wrap(kek, vaultKey, "passphrase", keyring.vault_id); })
        .then(function (wp) { return rewrap({ kdf: kdf, wrapped_key_passphrase: wp }); })
        .then(function () { return hold(vaultKey); })
        .then(function () {
          busy(form, false);
          form.reset();
          return unlocked();
        })
        .then(function () { status("Your vault is open, and your new passphrase is set. Your recovery key still works."); })
        .catch(function (error) {
          busy(form, false);
          formError(form, error.code === "wrong-key" ? "That recovery key does not open this vault. Please check it and try again." : messageFor(error));
        });
    });
  });

  on("delete", function (form) {
    var typed = form.querySelector("#delete-confirm").value.trim().toLowerCase();
    if (typed !== "delete my vault") { formError(form, "Please type \u201cdelete my vault\u201d to confirm."); return; }
    busy(form, true, "Deleting your vault…");
    api("DELETE", API, { confirm: "delete my vault" })
      .then(function () { state.keyring = null; return lock(); })
      .then(function () { busy(form, false); status("Your vault and everything in it are deleted."); })
      .catch(function (error) { busy(form, false); formError(form, messageFor(error)); });
  });

  // --- crisis language, checked here before the words are locked ---------------------------

  // static/reattune/crisis.js, when the page has it, is window.reattuneCrisis: the server's
  // detector ported, on the shipped lexicons. Resolves to the kinds found (e.g. ["suicide"]);
  // the text is only looked at here, never sent anywhere.
  function crisisKinds(text) {
    var detector = root.reattuneCrisis;
    if (!detector || !text || typeof detector.checkText !== "function") return Promise.resolve([]);
    return Promise.resolve(detector.ready).catch(function () {}).then(function () {
      var result = detector.checkText(text);
      if (result && result.ready === false) {
        // Said plainly rather than passed over: this browser could not run the check.
        var note = el.querySelector("[data-vault-status]");
        if (note) note.textContent += " (The check for words of crisis could not run in this browser. If you need help, the help page lists lines for your country.)";
      }
      return result && result.hit && Array.isArray(result.kinds) ? result.kinds : [];
    }).catch(function () { return []; });
  }

  var KIND_ORDER = ["harm_from_others", "suicide", "self_harm", "harm_to_others"];

  function showHelp(kinds) {
    var card = el.querySelector("#vault-help");
    if (!card) return;
    var ordered = KIND_ORDER.filter(function (k) { return kinds.indexOf(k) >= 0; });
    if (!ordered.length) { card.hidden = true; return; }
    card.querySelectorAll("[data-help-kind]").forEach(function (p) {
      p.hidden = p.getAttribute("data-help-kind") !== ordered[0];
    });
    card.querySelectorAll("[data-help-group]").forEach(function (g) {
      var group = g.getAttribute("data-help-group");
      g.hidden = !(group === "dv" ? ordered.indexOf("harm_from_others") >= 0 : ordered.indexOf("harm_to_others") >= 0);
    });
    card.hidden = false;
    card.focus();
  }

  function hideHelp() {
    var card = el.querySelector("#vault-help");
    if (card) card.hidden = true;
  }

  // --- helpers for the pages ----------------------------------------------------------------

  function mark(name) {
    if (root.performance && performance.mark) performance.mark(name);
  }

  function on(name, handler) {
    el.querySelectorAll('[data-vault-form="' + name + '"]').forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        handler(form);
      });
    });
  }

  // Every item of a kind, newest first, a page at a time: a small first page, so the newest
  // are drawn at once, then larger ones. onPage(items) runs for each page in order while the
  // next page is already on its way; the promise ends with every item.
  // A page is asked for after the last item of the page before. If that item was deleted
  // meanwhile (in another window or on another device), the server answers 404: the listing
  // starts again from the newest, once, and onPage gets only items it has not had yet (none
  // twice); the promise then ends with the list as it is now. A second 404 ends in a plain
  // message.
  var PAGE_FIRST = 100, PAGE_REST = 500; // the server answers at most 500 a page
  var LIST_CHANGED = "Your vault changed in another window or on another device while this list was loading, so some entries may be missing here. Please reload the page to see them all.";
  function listItems(kind, onPage) {
    var all = [], given = {}, restarted = false, done = Promise.resolve();
    var base = API + "/items?kind=" + encodeURIComponent(kind) + "&limit=";
    function page(limit, after) {
      return api("GET", base + limit + (after ? "&after=" + after : "")).then(function (r) {
        var rows = r.data || [];
        all = all.concat(rows);
        var fresh = rows.filter(function (row) {
          if (given[row.item_id]) return false;
          given[row.item_id] = true;
          return true;
        });
        // The first page is passed on even when empty (it replaces what was drawn before).
        if (onPage && (fresh.length || !restarted)) done = done.then(function () { return onPage(fresh); });
        if (rows.length === limit) return page(PAGE_REST, rows[rows.length - 1].item_id);
        return done.then(function () { return all; });
      }, function (error) {
        if (error.status !== 404 || !(after || restarted)) throw error;
        if (restarted) throw new VaultError("http", LIST_CHANGED);
        restarted = true;
        all = [];
        return page(PAGE_FIRST, null);
      });
    }
    return page(PAGE_FIRST, null);
  }

  function openItems(items) {
    var keyring = state.keyring, key = state.key;
    items.forEach(fresher);
    return Promise.all(items.map(function (item) {
      return decryptItem(key, keyring.vault_id, item).then(function (data) {
        return { item: item, data: data };
      }, function () { return { item: item, data: null }; });
    }));
  }

  // The server keeps items up to this size (format.MAX_CIPHERTEXT_CHARS); said here first.
  var MAX_CIPHERTEXT = 150000;
  function fits(ciphertext) {
    if (ciphertext.length <= MAX_CIPHERTEXT) return ciphertext;
    throw new VaultError("http", "This is longer than the vault keeps in one item (about 100,000 characters). Nothing was saved: please split it into two entries.");
  }

  function saveItem(kind, itemId, data, extra) {
    return encryptItem(state.key, state.keyring.vault_id, itemId, kind, data).then(fits).then(function (ciphertext) {
      var body = { item_id: itemId, kind: kind, ciphertext: ciphertext };
      Object.keys(extra || {}).forEach(function (k) { body[k] = extra[k]; });
      return api("POST", API + "/items", body).then(announce);
    });
  }

  // Writes that replace an item (an edit, and the format upgrade below) go one at a time, each
  // sending the version this page holds when its turn comes: an upgrade that went first has
  // already moved that version on (adopt), so an edit is never refused for it.
  var replacing = Promise.resolve();
  function oneAtATime(write) {
    var run = replacing.then(write, write);
    replacing = run.then(null, function () {});
    return run;
  }

  function updateItem(kind, item, data) {
    return oneAtATime(function () {
      return encryptItem(state.key, state.keyring.vault_id, item.item_id, kind, data).then(fits).then(function (ciphertext) {
        return api("PUT", API + "/items/" + item.item_id, { ciphertext: ciphertext, version: item.version })
          .then(announce);
      });
    });
  }

  // What the server answered for an item this page rewrote: every copy the page holds of it
  // (the list, the entry being edited, the safety check shown) takes the new version.
  var rewritten = {}; // item_id: what the server answered when this page rewrote it
  function adopt(saved) {
    rewritten[saved.item_id] = saved;
    var copies = [];
    journal.entries.forEach(function (e) { copies.push(e.item); });
    if (journal.editing) copies.push(journal.editing.item);
    if (safety.latest) copies.push(safety.latest.item);
    copies.forEach(function (item) { if (item) fresher(item); });
  }

  // A list read before this page's own rewrite of an item answered may still carry the
  // version before it: the rewrite's answer is newer, so it stands in (an edit then sends the
  // current version). A version newer than the rewrite (changed elsewhere since) is kept.
  function fresher(item) {
    var saved = rewritten[item.item_id];
    if (!saved || saved.version <= item.version) return;
    item.ciphertext = saved.ciphertext;
    item.version = saved.version;
    item.updated_at = saved.updated_at;
  }

  // --- items still in format 1, written again in format 2 -----------------------------------
  //
  // Once the vault is open in a page, the person's items still in item format 1 are written
  // again in format 2 in the background, one at a time: the same plaintext under the same id
  // and kind, sent as an edit is (PUT with the version it was read at), so the server refuses
  // it if the item changed meanwhile, in another window or on another device; that change is
  // kept and the item left as it is (it is looked at again the next time the vault opens). An
  // item that does not open is never written. When every item is done, this tab remembers it
  // for the session (sessionStorage, only "done" for this log-in and vault), so later pages do
  // not read the list again for it. Nothing is shown; the page's own list is kept up to date.
  var UPGRADED = "reattune-vault-upgraded", upgrading = null;
  function upgradeOld() {
    if (upgrading || !state.key || !state.keyring) return upgrading;
    var key = state.key, vaultId = state.keyring.vault_id, doneMark = tag + " " + vaultId;
    try {
      if (root.sessionStorage.getItem(UPGRADED) === doneMark) return null;
    } catch (e) { /* no sessionStorage: looked at on every page */ }
    var count = 0, complete = true;
    var stillOpen = function () {
      return state.key === key && state.keyring && state.keyring.vault_id === vaultId;
    };
    var one = function (item) {
      if (!stillOpen()) { complete = false; return null; }
      var format;
      try { format = splitCiphertext(item.ciphertext)[0]; } catch (e) { return null; } // unknown: never touched
      if (format !== 1) return null;
      return decryptItem(key, vaultId, item).then(function (data) {
        return oneAtATime(function () {
          if (!stillOpen()) { complete = false; return null; }
          return encryptItem(key, vaultId, item.item_id, item.kind, data).then(function (ciphertext) {
            if (ciphertext.length > MAX_CIPHERTEXT) return null; // kept in format 1, still read
            return api("PUT", API + "/items/" + item.item_id, { ciphertext: ciphertext, version: item.version })
              .then(function (r) { count++; adopt(r.data); }, function (error) {
                // Changed (409) or deleted (404) meanwhile: that change stands, nothing is written.
                if (error.status !== 409 && error.status !== 404) throw error;
              });
          });
        });
      }, function () { return null; }); // does not open (changed, or another key): left alone
    };
    var kind = function (name) {
      return listItems(name).then(function (items) {
        return items.reduce(function (done, item) {
          return done.then(function () { return complete ? one(item) : null; });
        }, Promise.resolve());
      });
    };
    mark("vault-upgrade-start");
    upgrading = kind("journal").then(function () { return kind("safety"); })
      .then(function () {
        if (count) announce();
        if (!complete) return;
        try { root.sessionStorage.setItem(UPGRADED, doneMark); } catch (e) { /* see above */ }
        el.setAttribute("data-vault-upgraded", String(count));
        mark("vault-upgrade-end");
      }, function (error) {
        if (count) announce();
        if (root.console) root.console.warn("vault: items kept in their old format for now", error && error.message);
      })
      .then(function () { upgrading = null; });
    return upgrading;
  }

  function deleteItem(itemId) {
    deletedHere[itemId] = true;
    return api("DELETE", API + "/items/" + itemId).then(announce);
  }

  // Items this page deleted itself (never reported as deleted elsewhere).
  var deletedHere = {};

  // A delete that finds the item gone already (deleted elsewhere) has nothing left to do.
  function deleteIfThere(itemId) {
    return deleteItem(itemId).catch(function (error) {
      if (error.status !== 404) throw error;
      return null;
    });
  }

  var GONE_ONE = "An entry was deleted in another window or on another device, so it is no longer shown here.";
  function goneText(count) {
    return count === 1 ? GONE_ONE
      : count + " entries were deleted in another window or on another device, so they are no longer shown here.";
  }

  var dateFormat = null; // one formatter for the whole list (making one per entry is slow)
  function when(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    if (!dateFormat) {
      dateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
    }
    return dateFormat.format(date);
  }

  function truncate(text, n) { text = String(text || "").replace(/\s+/g, " ").trim(); return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  // --- the vault journal ----------------------------------------------------------------------

  var journal = {
    editing: null,
    entries: [],
    open: function () {
      journal.takeDraft();
      movein.offer();
      return journal.load();
    },
    // The coach's draft, if one came with this page: into the new-entry form, not saved yet.
    takeDraft: function () {
      if (coachDraft === null) return;
      var form = el.querySelector('[data-vault-form="entry"]');
      form.querySelector("#entry-title").value = "Draft from the coach";
      form.querySelector("#entry-body").value = coachDraft;
      coachDraft = null;
      status("Your draft from the coach is in the box below. It is not saved yet: press \u201cSave to my vault\u201d to keep it where only you can read it.");
      form.querySelector("#entry-body").focus();
    },
    clear: function () {
      journal.loading++;
      journal.entries = [];
      journal.editing = null;
      var list = el.querySelector("[data-entries]");
      if (list) list.textContent = "";
      var moveList = el.querySelector("[data-movein-list]");
      if (moveList) moveList.textContent = "";
      var offer = el.querySelector("[data-move-offer]");
      if (offer) {
        offer.hidden = true;
        offer.querySelector("[data-move-heading]").textContent = "";
      }
      if (typeof movein !== "undefined") movein.offered = null;
      hideHelp();
    },
    loading: 0,
    // Pages are decrypted (all of a page at once) and drawn as they arrive, the newest first.
    load: function () {
      var run = ++journal.loading, entries = [], first = true;
      mark("vault-list-start");
      return listItems("journal", function (items) {
        if (run !== journal.loading) return null; // a newer load took over
        return openItems(items).then(function (opened) {
          if (run !== journal.loading) return;
          entries = entries.concat(opened);
          journal.entries = entries;
          journal.draw(opened, first);
          if (first) mark("vault-list-first");
          first = false;
        });
      }).then(function () {
        if (run !== journal.loading) return;
        el.querySelector("[data-entries-empty]").hidden = entries.length > 0;
        mark("vault-list-end");
      });
    },
    // Draws `opened` at the end of the list (in place of what was there when `replace`).
    draw: function (opened, replace) {
      var list = el.querySelector("[data-entries]");
      var template = el.querySelector("[data-entry-template]");
      var fragment = document.createDocumentFragment();
      opened.forEach(function (entry) {
        var node = template.content.firstElementChild.cloneNode(true);
        node.setAttribute("data-item-id", entry.item.item_id);
        var heading = node.querySelector("[data-entry-heading]");
        var body = node.querySelector("[data-entry-body]");
        if (!entry.data) {
          heading.textContent = "This item could not be opened";
          body.textContent = "It may have been changed on the server, or made with another vault key.";
          node.querySelector("[data-entry-edit]").hidden = true;
          node.querySelector("[data-entry-moveout]").hidden = true;
        } else {
          heading.textContent = entry.data.title || truncate(entry.data.body, 80) || "Untitled";
          body.textContent = entry.data.body;
          node.querySelector("[data-entry-date]").textContent = when(entry.data.written_at || entry.item.created_at);
        }
        var label = heading.textContent;
        node.querySelector("[data-entry-edit]").setAttribute("aria-label", "Edit: " + label);
        node.querySelector("[data-entry-moveout]").setAttribute("aria-label", "Move out of the vault: " + label);
        node.querySelector("[data-entry-delete]").setAttribute("aria-label", "Delete: " + label);
        fragment.appendChild(node);
      });
      if (replace) list.textContent = "";
      list.appendChild(fragment);
    },
    // The list read again (resync): redrawn only when something changed; entries no longer
    // in the vault are taken off, and an edit of one of them becomes a new entry's draft.
    sync: function () {
      var drawn = {};
      journal.entries.forEach(function (e) { drawn[e.item.item_id] = e.item.version; });
      return listItems("journal").then(function (items) {
        var now = {};
        items.forEach(function (i) { now[i.item_id] = i.version; });
        var gone = Object.keys(drawn).filter(function (id) { return !(id in now); });
        var changed = gone.length > 0 || items.some(function (i) { return drawn[i.item_id] !== i.version; });
        if (!changed || !state.key) return;
        var run = ++journal.loading;
        return openItems(items).then(function (opened) {
          if (run !== journal.loading || !state.key) return;
          journal.entries = opened;
          journal.draw(opened, true);
          el.querySelector("[data-entries-empty]").hidden = opened.length > 0;
          // The entry being edited, written again elsewhere with the same words (its format
          // upgraded in another tab): the edit goes on from the new version. Changed words
          // leave the old version, so saving is refused rather than overwriting them.
          if (journal.editing) {
            var fresh = opened.filter(function (o) { return o.item.item_id === journal.editing.item.item_id; })[0];
            if (fresh && fresh.data && JSON.stringify(fresh.data) === JSON.stringify(journal.editing.data)) {
              journal.editing = fresh;
            }
          }
          var elsewhere = gone.filter(function (id) { return !deletedHere[id]; });
          if (journal.editing && gone.indexOf(journal.editing.item.item_id) >= 0) journal.editingGone();
          else if (elsewhere.length) status(goneText(elsewhere.length));
        });
      });
    },
    // One entry found gone (a 404 on it): off the list and out of the page's memory.
    drop: function (itemId) {
      journal.entries = journal.entries.filter(function (e) { return e.item.item_id !== itemId; });
      var node = el.querySelector('[data-entries] [data-item-id="' + itemId + '"]');
      if (node) node.remove();
      el.querySelector("[data-entries-empty]").hidden = journal.entries.length > 0;
    },
    // The entry being edited was deleted elsewhere: the words stay in the form, as a new entry.
    editingGone: function () {
      journal.editing = null;
      el.querySelector("[data-write-title]").textContent = "Write in your vault";
      el.querySelector("[data-entry-cancel]").hidden = true;
      status("The entry you were editing was deleted in another window or on another device. Your words are still in the box below: press \u201cSave to my vault\u201d to keep them as a new entry.");
    },
    find: function (node) {
      var li = node.closest("[data-item-id]");
      var id = li && li.getAttribute("data-item-id");
      return journal.entries.filter(function (e) { return e.item.item_id === id; })[0];
    },
  };

  if (page === "journal") {
    on("entry", function (form) {
      var title = form.querySelector("#entry-title").value.trim();
      var body = form.querySelector("#entry-body").value;
      if (!body.trim()) { formError(form, "Please write something first."); return; }
      hideHelp();
      busy(form, true, "Locking and saving…");
      var editing = journal.editing, saving;
      if (editing) {
        var data = { title: title, body: body, written_at: editing.data.written_at || isoWithOffset(new Date()) };
        saving = updateItem("journal", editing.item, data);
      } else {
        saving = saveItem("journal", uuid4(), { title: title, body: body, written_at: isoWithOffset(new Date()) });
      }
      saving
        .then(function () {
          busy(form, false);
          formError(form, "");
          stopEditing(form);
          status(editing ? "Saved in your vault." : "Saved in your vault. Only you can read it.");
          return journal.load().then(function () { return crisisKinds(body + "\n" + title); });
        })
        .then(function (kinds) { if (kinds && kinds.length) showHelp(kinds); })
        .catch(function (error) {
          busy(form, false);
          if (editing && error.status === 404) {
            journal.drop(editing.item.item_id);
            journal.editingGone();
            formError(form, "That entry is no longer in your vault, so nothing was saved yet.");
            return;
          }
          formError(form, error.status === 409
            ? "This entry was changed in another window, so it was not saved. Your text is still here: copy it, reload the page and try again."
            : messageFor(error));
        });
    });

    var entryForm = el.querySelector('[data-vault-form="entry"]');
    var stopEditing = function (form) {
      journal.editing = null;
      form.reset();
      el.querySelector("[data-write-title]").textContent = "Write in your vault";
      el.querySelector("[data-entry-cancel]").hidden = true;
    };
    el.querySelector("[data-entry-cancel]").addEventListener("click", function () { stopEditing(entryForm); });

    el.querySelector("[data-entries]").addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var entry = journal.find(button);
      if (!entry) return;
      if (button.hasAttribute("data-entry-edit")) {
        journal.editing = entry;
        entryForm.querySelector("#entry-title").value = entry.data.title || "";
        entryForm.querySelector("#entry-body").value = entry.data.body || "";
        el.querySelector("[data-write-title]").textContent = "Edit your vault entry";
        el.querySelector("[data-entry-cancel]").hidden = false;
        entryForm.querySelector("#entry-body").focus();
      } else if (button.hasAttribute("data-entry-delete")) {
        if (!root.confirm("Delete this entry from your vault for good?")) return;
        deleteItem(entry.item.item_id).then(function () {
          status("Deleted from your vault.");
          return journal.load();
        }).catch(function (error) {
          if (error.status !== 404) { status(messageFor(error)); return; }
          journal.drop(entry.item.item_id);
          status("This entry was already deleted, in another window or on another device.");
        });
      } else if (button.hasAttribute("data-entry-moveout")) {
        if (!root.confirm("Move this entry out of your vault? It becomes a private journal entry: still never shown to your partner or a therapist, but whoever runs this server could read it.")) return;
        button.disabled = true;
        api("POST", JOURNAL_API, {
          title: (entry.data.title || "").slice(0, 200), body: entry.data.body, visibility: "private",
          submit_key: entry.item.item_id,
        })
          .then(function () { return deleteIfThere(entry.item.item_id); })
          .then(function () {
            status("Moved out of your vault. It is now a private entry in your journal.");
            return journal.load();
          })
          .catch(function (error) { button.disabled = false; status(messageFor(error)); });
      }
    });

    // Moving private entries in: the server's readable copy is deleted in the same step.
    var movein = {
      entries: [],
      load: function () {
        var all = [];
        var page = function (offset) {
          return api("GET", JOURNAL_API + "?scope=mine&limit=200&offset=" + offset).then(function (r) {
            var rows = r.data || [];
            all = all.concat(rows.filter(function (e) { return e.visibility === "private" && e.mine; }));
            return rows.length === 200 ? page(offset + 200) : all;
          });
        };
        return page(0).then(function (rows) { movein.entries = rows; movein.render(); });
      },
      render: function () {
        var list = el.querySelector("[data-movein-list]");
        var template = el.querySelector("[data-movein-template]");
        list.textContent = "";
        movein.entries.forEach(function (entry) {
          var node = template.content.firstElementChild.cloneNode(true);
          node.setAttribute("data-entry-id", entry.id);
          var heading = entry.title || truncate(entry.body, 80);
          node.querySelector("[data-movein-heading]").textContent = heading;
          node.querySelector("[data-movein-date]").textContent = when(entry.created_at);
          node.querySelector("[data-movein]").setAttribute("aria-label", "Move into my vault: " + heading);
          list.appendChild(node);
        });
        el.querySelector("[data-movein-empty]").hidden = movein.entries.length > 0;
      },
    };
    // The one entry this page was asked to move in (?move=): shown with what it is and who
    // sees it now, moved only on the person's word.
    movein.offer = function () {
      var card = el.querySelector("[data-move-offer]");
      if (moveId === null || !card) return;
      api("GET", JOURNAL_API + "/" + moveId).then(function (r) {
        var entry = r.data;
        if (!entry || !entry.mine) throw { status: 404 };
        movein.offered = entry;
        card.querySelector("[data-move-heading]").textContent = entry.title || truncate(entry.body, 80) || "Untitled";
        card.querySelector("[data-move-date]").textContent = when(entry.created_at);
        card.querySelector("[data-move-shared]").hidden = entry.visibility !== "shared";
        card.querySelector("[data-move-private]").hidden = entry.visibility === "shared";
        card.hidden = false;
        card.querySelector("[data-move-confirm]").focus();
      }).catch(function (error) {
        movein.done(true); // the address stays: a reload only says this again
        status(error && error.status === 404
          ? "That entry is no longer in your journal: it may be in your vault already, or deleted."
          : messageFor(error));
      });
    };
    // The offer answered (or gone): off the page, and (once answered) out of the address, so a
    // reload asks nothing.
    movein.done = function (keepAddress) {
      moveId = null;
      movein.offered = null;
      var card = el.querySelector("[data-move-offer]");
      if (card) card.hidden = true;
      if (!keepAddress && root.history && root.history.replaceState) root.history.replaceState(null, "", root.location.pathname);
    };
    movein.move = function (entry) {
      var data = { title: entry.title || "", body: entry.body, written_at: isoWithOffset(new Date(entry.created_at)) };
      // The version read: an edit made since (another tab) is refused, never lost.
      return saveItem("journal", uuid4(), data, { replaces_entry: entry.id, replaces_version: entry.version });
    };
    var moveCard = el.querySelector("[data-move-offer]");
    if (moveCard) {
      moveCard.querySelector("[data-move-confirm]").addEventListener("click", function (event) {
        var entry = movein.offered;
        if (!entry) return;
        var button = event.currentTarget;
        button.disabled = true;
        status("Locking and moving…");
        movein.move(entry).then(function () {
          button.disabled = false;
          movein.done();
          status("Moved into your vault: it is private now, and only you can read it. The server's readable copy is deleted; a backup made before now keeps its copy until that backup is deleted.");
          return journal.load();
        }).catch(function (error) {
          button.disabled = false;
          if (error && error.status === 404) {
            movein.done();
            status("That entry is no longer in your journal: it may be in your vault already, or deleted.");
            return;
          }
          status(messageFor(error));
        });
      });
      moveCard.querySelector("[data-move-cancel]").addEventListener("click", function () {
        movein.done();
        status("Nothing was moved. The entry is in your journal as it was.");
      });
    }
    el.querySelector("[data-movein-load]").addEventListener("click", function () {
      movein.load().catch(function (error) { status(messageFor(error)); });
    });
    el.querySelector("[data-movein-list]").addEventListener("click", function (event) {
      var button = event.target.closest("[data-movein]");
      if (!button) return;
      var id = parseInt(button.closest("[data-entry-id]").getAttribute("data-entry-id"), 10);
      var entry = movein.entries.filter(function (e) { return e.id === id; })[0];
      if (!entry) return;
      button.disabled = true;
      movein.move(entry)
        .then(function () {
          movein.entries = movein.entries.filter(function (e) { return e.id !== id; });
          movein.render();
          status("Moved into your vault. The server's readable copy is deleted; a backup made before now keeps its copy until that backup is deleted.");
          return journal.load();
        })
        .catch(function (error) { button.disabled = false; status(messageFor(error)); });
    });
  }

  // --- the safety check in the vault ----------------------------------------------------------

  var safety = {
    screen: null,
    latest: null,
    open: function () {
      return listItems("safety").then(openItems).then(function (opened) {
        var readable = opened.filter(function (o) { return o.data; });
        safety.latest = readable[0] || null;
        if (safety.latest) safety.showResult(safety.latest.data, safety.latest.item.created_at);
        else safety.showForm();
      });
    },
    clear: function () {
      safety.latest = null;
      var result = el.querySelector("[data-safety-result]");
      if (result) result.hidden = true;
      var last = el.querySelector("[data-safety-last]");
      if (last) last.hidden = true;
      hideHelp();
    },
    // Read again (resync): if the check shown here was deleted elsewhere, the next one that
    // opens shows in its place, or the form when there is none; the answers being typed into
    // the form are never touched.
    sync: function () {
      var shownId = safety.latest && safety.latest.item.item_id;
      if (!shownId) return Promise.resolve();
      return listItems("safety").then(function (items) {
        if (items.some(function (i) { return i.item_id === shownId; }) || !state.key) return;
        return openItems(items).then(function (opened) {
          if (!safety.latest || safety.latest.item.item_id !== shownId || !state.key) return;
          var readable = opened.filter(function (o) { return o.data; });
          var resultShown = !el.querySelector("[data-safety-result]").hidden;
          safety.latest = readable[0] || null;
          if (safety.latest && resultShown) safety.showResult(safety.latest.data, safety.latest.item.created_at);
          else if (resultShown) { hideHelp(); safety.showForm(); }
          else if (!safety.latest) el.querySelector("[data-safety-last]").hidden = true;
          if (deletedHere[shownId]) return;
          status(safety.latest
            ? "The safety check shown here was deleted in another window or on another device. Your latest one before it is shown now."
            : "Your safety check was deleted in another window or on another device, so it is no longer shown here.");
        });
      });
    },
    showForm: function () {
      el.querySelector("[data-safety-result]").hidden = true;
      el.querySelector("[data-safety-last]").hidden = true;
      el.querySelector('[data-vault-form="safety"]').hidden = false;
    },
    // The server rendered every outcome; only the ones that fit are shown, here.
    // data: the stored item (its result; "noted" is worked out again from the answers).
    showResult: function (data, whenIso) {
      var result = data.result || {};
      var noted = [];
      try { noted = evaluateScreen(data.answers || {}, safety.screen).noted; } catch (e) { /* another screen version */ }
      var ids = result.positive
        ? (result.urgent ? ["urgent"] : []).concat(["positive"])
        : (noted.length ? ["noted"] : ["negative"]);
      var box = el.querySelector("[data-safety-result]");
      box.querySelectorAll("[data-outcome]").forEach(function (node) {
        var names = node.getAttribute("data-outcome").split(" ");
        node.hidden = !names.some(function (n) { return ids.indexOf(n) >= 0; });
      });
      box.hidden = false;
      el.querySelector('[data-vault-form="safety"]').hidden = true;
      var last = el.querySelector("[data-safety-last]");
      last.querySelector("[data-safety-last-date]").textContent = when(whenIso);
      last.hidden = false;
    },
  };

  if (page === "safety") {
    var screenData = document.getElementById("vault-screen");
    safety.screen = screenData ? JSON.parse(screenData.textContent) : null;
    var safetyForm = el.querySelector('[data-vault-form="safety"]');
    // The page sends the questions without names, so a form sent without this script carries
    // nothing; they get their names here, once the submit below is ours.
    if (safetyForm) {
      safetyForm.querySelectorAll("[data-name]").forEach(function (input) {
        input.setAttribute("name", input.getAttribute("data-name"));
      });
    }
    on("safety", function (form) {
      var fields = {};
      safety.screen.items.forEach(function (item) {
        fields[item.id] = Array.prototype.filter.call(form.querySelectorAll('input[name="' + item.id + '"]'),
          function (input) { return input.checked; }).map(function (input) { return input.value; });
      });
      var answers, result;
      try {
        answers = parseSubmission(fields, safety.screen);
        result = evaluateScreen(answers, safety.screen);
      } catch (error) {
        formError(form, error.message);
        return;
      }
      var notes = form.querySelector("#safety-notes").value;
      var data = {
        screen_version: safety.screen.version, answers: answers, notes: notes,
        result: { positive: result.positive, urgent: result.urgent, areas: result.areas },
      };
      busy(form, true, "Locking and saving your answers…");
      saveItem("safety", uuid4(), data)
        .then(function () {
          busy(form, false);
          formError(form, "");
          status("Your answers are saved in your vault. Only you can read them.");
          return crisisKinds(notes);
        })
        .then(function (kinds) {
          form.reset();
          safety.showResult(data, new Date().toISOString());
          if (kinds && kinds.length) {
            // The form is hidden with the result: the help card moves above the result.
            var card = el.querySelector("#vault-help");
            var box = el.querySelector("[data-safety-result]");
            box.parentNode.insertBefore(card, box);
            showHelp(kinds);
          } else {
            var target = el.querySelector("#safety-result");
            if (target) target.focus();
          }
        })
        .catch(function (error) { busy(form, false); formError(form, messageFor(error)); });
    });
    el.querySelector("[data-safety-again]").addEventListener("click", function () {
      hideHelp();
      safety.showForm();
      safetyForm.querySelector("input, textarea").focus();
    });
    el.querySelector("[data-safety-delete]").addEventListener("click", function () {
      if (!root.confirm("Delete every safety check in your vault?")) return;
      listItems("safety")
        .then(function (items) { return Promise.all(items.map(function (i) { return deleteIfThere(i.item_id); })); })
        .then(function () { safety.latest = null; safety.showForm(); status("Your answers are deleted from your vault."); })
        .catch(function (error) { status(messageFor(error)); });
    });
  }

  var PAGES = { journal: journal, safety: safety };

  // --- start ----------------------------------------------------------------------------------

  function start() {
    if (!root.crypto || !root.crypto.subtle) { failed(new VaultError("no-webcrypto")); return; }
    loadKeyring()
      .then(function (keyring) {
        if (!keyring) { show("none"); return; }
        return restore().then(function (open) { return open ? unlocked() : show("locked"); });
      })
      .catch(failed);
  }
  start();
})(typeof window !== "undefined" ? window : globalThis);
