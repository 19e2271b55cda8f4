// 獬豸 — small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // The scope picker submits its form when changed.
  document.querySelectorAll("select[data-group-select]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // "Back" goes to the previous page when there is one.
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1 && document.referrer.indexOf(window.location.host) !== -1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });
  // Deadline status tags get a colour class.
  var classes = { "超审限未结": "bad", "超审限结案": "warn", "临近审限": "warn", "审限内": "okay", "审限内结案": "okay" };
  document.querySelectorAll(".st").forEach(function (tag) {
    var c = classes[tag.textContent.trim()];
    if (c) { tag.classList.add(c); }
  });
})();
