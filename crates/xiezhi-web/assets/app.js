// 獬豸 — small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // The scope picker submits its form when changed.
  document.querySelectorAll("select[data-group-select]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // 自定义 puts the cursor in the period's first date.
  document.querySelectorAll("a[data-custom-period]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var input = link.closest("form").querySelector("input[name=from]");
      if (input) { input.focus(); input.select(); }
    });
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

  // 立案: more party rows on demand, the designation fields only when designating, and a live
  // preview of triage and the pool (the same call as POST /register/preview, as JSON).
  var form = document.getElementById("register-form");
  if (form) {
    var add = document.getElementById("add-party");
    var hiddenRows = function () { return form.querySelectorAll(".party[hidden]"); };
    if (add && hiddenRows().length) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var rows = hiddenRows();
        if (rows.length) { rows[0].hidden = false; rows[0].querySelector("input").focus(); }
        if (hiddenRows().length === 0) { add.hidden = true; }
      });
    }
    var designation = form.querySelector(".designation");
    var syncMode = function () {
      if (!designation) { return; }
      var chosen = form.querySelector("input[name=assignment_mode]:checked");
      designation.hidden = !(chosen && chosen.value === "designated");
    };
    form.querySelectorAll("input[name=assignment_mode]").forEach(function (r) { r.addEventListener("change", syncMode); });
    syncMode();
    var field = function (name) { var el = form.elements[name]; return el && el.value ? el.value.trim() : ""; };
    var request = function () {
      var parties = [];
      form.querySelectorAll(".party").forEach(function (row) {
        var i = row.getAttribute("data-party");
        var name = field("party_name_" + i);
        if (name) { parties.push({ role: field("party_role_" + i), name: name, kind: field("party_kind_" + i) }); }
      });
      var flags = [];
      form.querySelectorAll("input[name=flag]:checked").forEach(function (f) { flags.push(f.value); });
      if (field("series_of")) { flags.push("series_of:" + field("series_of")); }
      var mode = form.querySelector("input[name=assignment_mode]:checked");
      var designated = mode && mode.value === "designated";
      return {
        court: field("court"), type_code: field("type_code"), filed_on: field("filed_on"), cause: field("cause") || null,
        claim_amount: field("claim_amount") || null, procedure: field("procedure") || null,
        procedure_reason: field("procedure_reason") || null, origin_case_number: field("origin_case_number") || null,
        parties: parties, flags: flags,
        assignment: designated ? { mode: "designated", judge_id: field("judge_id") || null, reason_code: field("reason_code") || null, note: field("note") || null } : { mode: "random" }
      };
    };
    var body = document.getElementById("preview-body");
    var el = function (tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) { e.textContent = text; } if (cls) { e.className = cls; } return e; };
    var kv = function (table, label, value, strong) {
      var tr = el("tr"); tr.appendChild(el("th", label)); var td = el("td"); td.appendChild(el(strong ? "strong" : "span", value)); tr.appendChild(td); table.appendChild(tr);
    };
    var render = function (p) {
      body.textContent = "";
      var t = el("table", undefined, "kv");
      kv(t, "预计案号", p.next_case_number + "（以保存时为准）", true);
      kv(t, "分流建议", p.proposed_procedure || "（不分流）");
      kv(t, "适用程序", (p.procedure || "（未定）") + " · " + p.track + "案", true);
      kv(t, "审限届满", p.deadline || "无法定审限");
      var mode = { random: "随机分案", designated: "指定分案", series: "系列案件随案" }[p.mode] || p.mode;
      kv(t, "分案方式", mode + (p.judge ? "：" + p.judge.name + "（" + p.judge.judge_id + "）" : ""));
      body.appendChild(t);
      body.appendChild(el("h3", "分流理由"));
      var ol = el("ol", undefined, "chain");
      p.triage_reasons.forEach(function (r) { ol.appendChild(el("li", r)); });
      body.appendChild(ol);
      if (p.series_fallback) { body.appendChild(el("p", p.series_fallback, "note")); }
      body.appendChild(el("h3", "法官池"));
      var table = el("table", undefined, "grid small pool");
      var head = el("tr");
      ["法官", "工号", "办案系数", "在办", "本次概率"].forEach(function (h, i) { head.appendChild(el("th", h, i > 1 ? "r" : "")); });
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var tbody = el("tbody");
      p.pool.forEach(function (j) {
        var tr = el("tr", undefined, j.chance > 0 ? "band" : "");
        tr.appendChild(el("td", j.name)); tr.appendChild(el("td", j.judge_id));
        tr.appendChild(el("td", j.weight, "r")); tr.appendChild(el("td", String(j.open_cases), "r"));
        tr.appendChild(el("td", j.chance > 0 ? (j.chance * 100).toFixed(1) + "%" : "—", "r"));
        tbody.appendChild(tr);
      });
      if (!p.pool.length) { var tr = el("tr"); var td = el("td", "没有可分配的法官。", "muted"); td.colSpan = 5; tr.appendChild(td); tbody.appendChild(tr); }
      table.appendChild(tbody); body.appendChild(table);
      body.appendChild(el("p", "“—”：在办/系数已比最低者多 1 以上，本次暂不参与（填平）；概率与办案系数成正比。", "muted small"));
      if (p.excluded.length) {
        body.appendChild(el("h3", "回避（不参与本次分案）"));
        var ul = el("ul", undefined, "chain");
        p.excluded.forEach(function (e) { ul.appendChild(el("li", e.name + "（" + e.judge_id + "）：" + e.reason)); });
        body.appendChild(ul);
      }
    };
    var labels = {
      court: "法院", type_code: "类型代字", filed_on: "立案日期", cause: "案由", claim_amount: "标的额",
      procedure: "适用程序", procedure_reason: "改变分流建议的理由", parties: "当事人",
      origin_case_number: "原审/执行依据案号", flags: "分流标记", assignment: "分案",
      "assignment.judge_id": "指定法官", "assignment.reason_code": "指定分案理由", "assignment.note": "说明"
    };
    var timer = null;
    var seq = 0;
    var refresh = function () {
      var mine = ++seq;
      var token = form.elements.csrf.value;
      fetch("/api/v1/cases/preview", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify(request())
      }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
        .then(function (res) {
          if (mine !== seq) { return; }
          if (res.ok) { render(res.json); return; }
          body.textContent = "";
          var j = res.json;
          var text = j.message || "无法预览。";
          if (j.field && j.reason) {
            var label = labels[j.field] || (j.field.indexOf("parties") === 0 ? "当事人" : j.field);
            text = label + (j.value ? "“" + j.value + "”" : "") + "：" + j.reason;
          }
          body.appendChild(el("p", "尚不能预览：" + text, "note"));
        })
        .catch(function () { if (mine === seq) { body.textContent = ""; body.appendChild(el("p", "预览暂不可用（网络或服务器忙）。", "muted")); } });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(refresh, 350); };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    schedule();
  }

  // 记录事件: only the fields of the chosen kind (every field shows without JavaScript).
  document.querySelectorAll("select[data-event-kind]").forEach(function (select) {
    var form = select.form;
    var sync = function () {
      form.querySelectorAll("[data-for]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for").split(" ").indexOf(select.value) === -1;
      });
    };
    select.addEventListener("change", sync);
    sync();
  });
  // Every table: click a column heading to sort (numbers as numbers, 案号 and names as text;
  // again to reverse), and 导出XLSX for the table as shown.
  var csrf = document.querySelector("meta[name=csrf-token]");
  function cellText(cell) { return (cell ? cell.textContent : "").replace(/\s+/g, " ").trim(); }
  function sortKey(text) {
    var t = text.replace(/[,，]/g, "").replace(/(个百分点|件\/人|件|天|%|元|位.*)$/, "");
    if (/^[+-]?\d+(\.\d+)?$/.test(t)) { return { n: parseFloat(t) }; }
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) { return { s: text }; }
    return { s: text };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) { return a.n - b.n; }
    if (a.n !== undefined) { return -1; }
    if (b.n !== undefined) { return 1; }
    return a.s.localeCompare(b.s, "zh-CN");
  }
  document.querySelectorAll("table.grid").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) { return; }
    Array.prototype.forEach.call(table.tBodies.length > 1 ? [] : head.cells, function (th, column) {
      th.classList.add("sortable");
      th.title = "点击排序";
      th.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length === head.cells.length; });
        rows.sort(function (x, y) {
          var order = compare(sortKey(cellText(x.cells[column])), sortKey(cellText(y.cells[column])));
          return descending ? -order : order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    if (!csrf || table.classList.contains("noexport")) { return; }
    var panel = table.closest("section, .panel");
    var heading = panel && panel.querySelector("h2");
    var title = cellText(heading) || cellText(document.querySelector("h1")) || "表格";
    title = title.replace(/\s*\d+\s*件$/, "").replace(/（点击.*?）/, "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link export";
    button.textContent = "导出XLSX";
    button.addEventListener("click", function () {
      var data = {
        title: title,
        headers: Array.prototype.map.call(head.cells, cellText),
        rows: Array.prototype.map.call(body.rows, function (r) { return Array.prototype.map.call(r.cells, cellText); })
          .filter(function (r) { return r.length > 1 || r[0] !== ""; })
      };
      fetch("/export/table", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrf.content },
        credentials: "same-origin",
        body: JSON.stringify(data)
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.blob();
      }).then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = title + ".xlsx";
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      }).catch(function () { window.alert("导出失败，请刷新页面后重试。"); });
    });
    var holder = table.parentElement.classList.contains("scroll") ? table.parentElement : table;
    holder.insertAdjacentElement("afterend", button);
  });
  // 电子卷宗: drag and drop, and an upload with progress (the form works without this).
  document.querySelectorAll("form[data-dossier-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    ["dragenter", "dragover"].forEach(function (t) {
      form.addEventListener(t, function (e) { e.preventDefault(); form.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      form.addEventListener(t, function (e) { e.preventDefault(); form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; send(); }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
    function send() {
      if (!input.files.length) { status.textContent = "请选择文件。"; return; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "fetch");
      bar.hidden = false; bar.value = 0; status.textContent = "上传中…";
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); } };
      xhr.onload = function () {
        if (xhr.status === 200) { status.textContent = "已上传，正在刷新…"; window.location.hash = "dossier"; window.location.reload(); }
        else {
          var message = "上传失败（" + xhr.status + "）";
          try { message = JSON.parse(xhr.responseText).error || message; } catch (ignored) {
            var m = /<p class="error">([^<]*)</.exec(xhr.responseText); if (m) { message = m[1]; }
          }
          status.textContent = message; bar.hidden = true;
        }
      };
      xhr.onerror = function () { status.textContent = "网络中断，上传未完成。"; bar.hidden = true; };
      xhr.send(new FormData(form));
    }
  });

  // 文字识别 progress: while a document of the file is being read, its line (the case page's
  // catalogue, the viewer) shows how far it has got; when it is done, a link to refresh.
  document.querySelectorAll("[data-ocr-poll]").forEach(function (panel) {
    var url = panel.getAttribute("data-ocr-poll");
    var only = panel.getAttribute("data-ocr-seq");
    function words(d) {
      var p = d.ocr_progress || {};
      if (d.ocr === "failed") { return "未能识别：" + (d.ocr_error || "原因不明"); }
      if (d.ocr === "done") { return "识别完成，刷新本页查看文字"; }
      if (p.pages_total > 1 && p.pages_done > 0) { return "文字识别中：已读 " + p.pages_done + "/" + p.pages_total + " 页"; }
      return p.pages_done > 0 || d.ocr === "pending" ? "文字识别中" : "排队等待文字识别";
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (list) {
          if (!list) { return; }
          var waiting = false;
          list.forEach(function (d) {
            if (only && String(d.seq) !== only) { return; }
            var line = only ? panel.querySelector(".ocr-status") : panel.querySelector('.ocr-status[data-ocr-seq="' + d.seq + '"]');
            if (!line) { return; }
            var bar = line.querySelector("progress");
            var p = d.ocr_progress || {};
            if (bar && p.pages_total) { bar.value = Math.round(p.pages_done * 100 / p.pages_total); }
            var text = line.querySelector("span") || line;
            text.textContent = words(d);
            if (d.ocr === "done" && !line.querySelector("a")) {
              if (bar) { bar.hidden = true; }
              var a = document.createElement("a"); a.href = window.location.pathname + window.location.search; a.textContent = " 刷新";
              line.appendChild(a);
            }
            if (d.ocr === "pending") { waiting = true; }
          });
          if (waiting) { window.setTimeout(poll, 3000); }
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    }
    window.setTimeout(poll, 2000);
  });
})();
