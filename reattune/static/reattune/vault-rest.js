// reattune: safety mode for a safety check kept in the vault (reattune/vault/rest.py).
//
// The server cannot know whether a vault safety check was positive, so for its author it
// renders both variants of what rests, marked data-vault-rest="usual" and "resting". Here the
// newest vault safety check is opened with the key kept in this browser (vault.js keeps it,
// non-extractable, while the vault is unlocked) and the variant that fits is shown. The only
// request is for the encrypted checks; what they say, and which variant shows, stays here.
// A locked vault (no key kept) leaves the usual variant. Looked at again when the page is shown
// again or another tab changes the vault, so a check deleted elsewhere stops resting the page.
(function (root) {
  "use strict";
  var V = root.reattuneVault;
  var holder = document.querySelector("[data-vault-rest-root]");
  if (!holder || !V || !V.openKept) return;
  var tag = holder.getAttribute("data-vault-tag");
  var wrap = holder.getAttribute("data-vault-wrap"); // the session secret the kept key is wrapped under
  var API = holder.getAttribute("data-vault-api");

  function choose(state) {
    var resting = state === "resting";
    document.querySelectorAll("[data-vault-rest]").forEach(function (node) {
      node.hidden = node.getAttribute("data-vault-rest") !== (resting ? "resting" : "usual");
    });
    holder.setAttribute("data-vault-rest-shown", state);
  }

  // The newest check that opens (one changed on the server, or made under another key, does not).
  function newest(key, vaultId, items) {
    if (!items.length) return Promise.resolve(null);
    return V.decryptItem(key, vaultId, items[0]).then(null, function () {
      return newest(key, vaultId, items.slice(1));
    });
  }

  function check() {
    return V.openKept(tag, wrap).then(function (kept) {
      if (!kept) return "locked";
      return fetch(API + "/items?kind=safety&limit=20", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { return newest(kept.key, kept.vault_id, items || []); })
        .then(function (data) { return data && data.result && data.result.positive ? "resting" : "usual"; });
    }).then(choose, function () { choose("usual"); });
  }

  // The check may be deleted, or the vault locked, in another window or on another device:
  // looked at again when this page is shown again, and when another tab of this browser says
  // it changed or locked the vault.
  // One look at a time; a request to look again while one runs is done after it.
  var checking = check(), pending = false;
  function again() {
    if (pending) return;
    pending = true;
    checking = checking.then(function () { pending = false; return check(); });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") again();
  });
  root.addEventListener("focus", again);
  if (root.BroadcastChannel) {
    new BroadcastChannel("reattune-vault").onmessage = function (event) {
      if (event.data === "changed" || event.data === "locked") again();
    };
  }
})(window);
