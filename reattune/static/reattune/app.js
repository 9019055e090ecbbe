// reattune: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Send the browser's time zone with sign-up so the couple's day starts in the right place.
  document.querySelectorAll('input[name="timezone"][type="hidden"]').forEach(function (input) {
    if (!input.value) {
      try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep empty */ }
    }
  });

  // Copy buttons: <button data-copy="input-id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done, function () {}); }
    else { try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ } }
  });

  // One click, one submit: the server also de-duplicates with the form's one-time key.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[data-once]");
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });

  // A form sent back with problems: move to the summary that lists them all, with links.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Folded sections (<details>): the one a link or the address points to opens, and its
  // parents, so "#causes" shows the causes rather than a closed fold.
  function openTarget(hash) {
    var id = (hash || "").slice(1);
    if (!id) return null;
    try { id = decodeURIComponent(id); } catch (e) { return null; }
    var target = document.getElementById(id);
    if (!target) return null;
    for (var fold = target.closest("details"); fold; fold = fold.parentElement && fold.parentElement.closest("details")) {
      fold.open = true;
    }
    return target;
  }
  // On arrival the browser could not scroll to a target inside a closed fold: now it can.
  var arrived = openTarget(location.hash);
  if (arrived) { arrived.scrollIntoView(); }
  window.addEventListener("hashchange", function () { openTarget(location.hash); });
  document.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (link) { openTarget(link.getAttribute("href")); }
  });

  // htmx sends Django's CSRF token from the cookie on every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|; )reattune_csrf=([^;]+)/);
    if (match) { event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]); }
  });
})();
