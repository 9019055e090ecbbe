// reattune coach: "Keep it in my vault" (only on the coach page of a person with a vault).
//
// The draft is handed to the vault journal inside this browser: it is put in this tab's
// sessionStorage and the vault journal page (vault.js) takes it out at once, keeps it in
// memory, and fills its text box once the vault is open; saving there encrypts it before
// anything is sent. The draft is never put in a URL: browsers keep every address they visit in
// their history list, the part after # included, even after a page rewrites it.
(function (root) {
  "use strict";
  var KEY = "reattune-coach-draft"; // read (and removed) by vault.js
  var button = document.querySelector("[data-coach-to-vault]");
  if (!button) return;
  var box = document.getElementById("coach-text");
  var error = document.querySelector("[data-coach-vault-error]");
  var help = document.querySelector("[data-coach-vault-help]");

  function say(text) { if (error) error.textContent = text; }

  var storage = null;
  try { storage = root.sessionStorage; } catch (e) { storage = null; }
  if (!storage || !box) return; // the button stays hidden: there is no way to hand it over
  button.hidden = false;
  if (help) help.hidden = false;

  button.addEventListener("click", function () {
    var text = box.value;
    if (!text.trim()) { say("Write your draft first, then keep it in your vault."); box.focus(); return; }
    try {
      storage.setItem(KEY, JSON.stringify({
        text: text, at: Date.now(), tag: button.getAttribute("data-vault-tag")
      }));
    } catch (e) {
      say("This browser could not carry the draft to your vault. Copy it, then paste it into your vault journal.");
      return;
    }
    say("");
    root.location.assign(button.getAttribute("data-vault-journal"));
  });
})(window);
