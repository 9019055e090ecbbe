// rituals: the fifteen-minute timer and the time-out countdown. Every page works without it.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show(seconds) { return Math.floor(seconds / 60) + ":" + pad(seconds % 60); }

  // Timers: <div data-timer data-timer-seconds="15"> (minutes) with a display and a toggle.
  document.querySelectorAll("[data-timer]").forEach(function (box) {
    var total = (parseInt(box.getAttribute("data-timer-seconds"), 10) || 15) * 60;
    var display = box.querySelector("[data-timer-display]");
    var toggle = box.querySelector("[data-timer-toggle]");
    var reset = box.querySelector("[data-timer-reset]");
    var done = box.querySelector("[data-timer-done]");
    var form = box.querySelector("[data-timer-form]");
    var link = box.querySelector("[data-timer-link]");
    if (!display || !toggle) return;
    var left = total, handle = null, endAt = 0, lastSpoken = -1;
    // A running timer survives the page being sent back (a problem in the form): its end time
    // is kept for this tab in sessionStorage, under the ritual's key, and picked up again.
    var key = box.getAttribute("data-timer-key") ? "reattune-timer-" + box.getAttribute("data-timer-key") : null;
    function remember(value) {
      if (!key) return;
      try { if (value) { sessionStorage.setItem(key, String(value)); } else { sessionStorage.removeItem(key); } } catch (e) { /* private mode: the timer simply starts again */ }
    }
    display.hidden = false;
    toggle.hidden = false;
    if (link) link.hidden = true;

    function render() {
      display.textContent = show(left);
      var minute = Math.ceil(left / 60);
      // Announce whole minutes only, so screen readers are not flooded.
      display.setAttribute("aria-live", minute !== lastSpoken ? "polite" : "off");
      lastSpoken = minute;
    }
    function tick() {
      left = Math.max(0, Math.round((endAt - Date.now()) / 1000));
      render();
      if (left === 0) { stop(); remember(null); toggle.textContent = "Start again"; if (done) done.hidden = false; left = total; }
    }
    function stop() { if (handle) { clearInterval(handle); handle = null; } }
    function start() {
      if (done) done.hidden = true;
      endAt = Date.now() + left * 1000;
      remember(endAt);
      handle = setInterval(tick, 1000);
      toggle.textContent = "Pause";
      if (reset) reset.hidden = false;
    }
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      if (handle) { stop(); remember(null); toggle.textContent = "Continue"; } else { start(); }
    });
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
    if (reset) reset.addEventListener("click", function () {
      stop(); remember(null); left = total; render(); toggle.textContent = "Start the timer"; reset.hidden = true;
    });
    var saved = 0;
    try { saved = key ? parseInt(sessionStorage.getItem(key), 10) || 0 : 0; } catch (e) { saved = 0; }
    if (saved > Date.now() && saved - Date.now() <= total * 1000) {
      left = Math.round((saved - Date.now()) / 1000);
      start();
    } else {
      remember(null);
    }
    render();
  });

  // Time-out: count down to the return time; when it passes, show the reminder.
  document.querySelectorAll("[data-timeout-ends]").forEach(function (box) {
    var ends = Date.parse(box.getAttribute("data-timeout-ends"));
    if (isNaN(ends)) return;
    var left = box.querySelector("[data-timeout-left]");
    var over = box.querySelector("[data-timeout-over]") ||
      (box.parentElement && box.parentElement.querySelector("[data-timeout-over]"));
    function update() {
      var minutes = Math.ceil((ends - Date.now()) / 60000);
      if (minutes <= 0) {
        if (left) left.textContent = "";
        if (over) over.hidden = false;
        clearInterval(handle);
        return;
      }
      if (left) left.textContent = " (in " + minutes + " minute" + (minutes === 1 ? "" : "s") + ")";
    }
    var handle = setInterval(update, 15000);
    update();
  });
})();
