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
  // File pickers speak Chinese whatever the browser's language (the native one stays without JS).
  document.querySelectorAll("input[type=file]").forEach(function (input) {
    var pick = document.createElement("span");
    pick.className = "file-pick";
    var button = document.createElement("span");
    button.className = "button";
    button.setAttribute("role", "button");
    button.tabIndex = 0;
    button.textContent = "选择文件";
    var name = document.createElement("span");
    name.className = "muted";
    name.textContent = "未选择文件";
    input.parentNode.insertBefore(pick, input);
    pick.appendChild(input);
    pick.appendChild(button);
    pick.appendChild(name);
    input.classList.add("visually-hidden");
    button.addEventListener("click", function (event) { event.preventDefault(); input.click(); });
    button.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
    });
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : "未选择文件";
    });
  });
  // Deadline status tags get a colour class.
  var classes = { "超审限未结": "bad", "超审限结案": "warn", "临近审限": "warn", "审限内": "okay", "审限内结案": "okay" };
  document.querySelectorAll(".st").forEach(function (tag) {
    var c = classes[tag.textContent.trim()];
    if (c) { tag.classList.add(c); }
  });
})();
