// reattune care: the quick-exit button on safety pages.
// It replaces this page in the browser's history, so Back does not return to it. Without
// JavaScript the button is a plain link to an everyday page of the app.
(function () {
  "use strict";
  function leave(link) {
    try { window.location.replace(link.href); } catch (e) { window.location.href = link.href; }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    leave(link);
  });
  // Pressing Escape twice quickly also leaves.
  var last = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var link = document.querySelector("a[data-quick-exit]");
    if (!link) return;
    var now = Date.now();
    if (now - last < 800) { leave(link); }
    last = now;
  });
})();
