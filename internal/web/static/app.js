// Small enhancements for the server-rendered pages. Every page works
// without this file; it only saves clicks. Loaded as an external script so
// the Content Security Policy can forbid inline script.
(function () {
  "use strict";

  // Selects marked data-autosubmit submit their form when changed
  // (the organisation switcher, list filters).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () {
      if (el.form) el.form.requestSubmit();
    });
    var button = el.form && el.form.querySelector("[data-autosubmit-button]");
    if (button) button.hidden = true;
  });

  // Forms marked data-confirm ask before doing something that cannot be
  // undone (removing a member, revoking a token).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });

  // Buttons marked data-copy copy the text of the element they name.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target || !navigator.clipboard) return;
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });

  // The role select shows the expiry field as required for auditors.
  document.querySelectorAll("select[data-role-select]").forEach(function (sel) {
    var hint = document.getElementById(sel.getAttribute("data-role-select"));
    function update() { if (hint) hint.hidden = sel.value !== "auditor"; }
    sel.addEventListener("change", update);
    update();
  });

  // Pages can tell that script runs (to hide hints meant for forms
  // without it).
  document.documentElement.classList.add("js");

  // Elements marked data-show-if="ID" data-show-values="a b" show only
  // while the select with that id has one of the values: the fields of
  // the chosen asset type, the disposal record of a retired asset.
  // Hidden fields are disabled, so they are not sent; without script
  // every field shows and the server ignores those that do not apply.
  document.querySelectorAll("[data-show-if]").forEach(function (el) {
    var control = document.getElementById(el.getAttribute("data-show-if"));
    if (!control) return;
    var values = (el.getAttribute("data-show-values") || "").split(" ");
    function update() {
      var on = values.indexOf(control.value) >= 0;
      el.hidden = !on;
      el.querySelectorAll("input, select, textarea").forEach(function (f) { f.disabled = !on; });
    }
    control.addEventListener("change", update);
    update();
  });

  // Buttons marked data-add-row="ID" add a blank row to the table body
  // with that id: a copy of its last row, numbered next (list.N.field).
  document.querySelectorAll("button[data-add-row]").forEach(function (button) {
    var body = document.getElementById(button.getAttribute("data-add-row"));
    if (!body) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = body.querySelectorAll("tr");
      if (!rows.length) return;
      var next = rows.length;
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      copy.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
      copy.querySelectorAll("input, select, textarea").forEach(function (f) {
        f.name = f.name.replace(/\.\d+\./, "." + next + ".");
        if (f.type === "checkbox" || f.type === "radio") f.checked = false;
        else if (f.tagName === "SELECT") f.selectedIndex = 0;
        else f.value = "";
      });
      body.appendChild(copy);
      var first = copy.querySelector("input, textarea, select");
      if (first) first.focus();
    });
  });
})();

// Risk pages.
(function () {
  "use strict";

  // A search box marked data-filter-select="ID" narrows the options of
  // the select ID to those whose text holds every word typed; selected
  // options always stay visible.
  document.querySelectorAll("input[data-filter-select]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filter-select"));
    if (!select) return;
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (opt) {
        var text = (opt.textContent + " " + opt.value).toLowerCase();
        opt.hidden = !opt.selected && opt.value !== "" && !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (opt) { return !opt.hidden; });
      });
    });
  });

  // Selects sharing a data-exclusive group hold one value between them:
  // choosing a threat in one clears the other.
  document.querySelectorAll("select[data-exclusive]").forEach(function (sel) {
    var group = sel.getAttribute("data-exclusive");
    sel.addEventListener("change", function () {
      if (sel.value === "") return;
      document.querySelectorAll('select[data-exclusive="' + group + '"]').forEach(function (other) {
        if (other !== sel) other.value = "";
      });
    });
  });

  // A rating select marked data-criteria="ID" shows the methodology's
  // criteria for the chosen value in the element ID.
  document.querySelectorAll("select[data-criteria]").forEach(function (sel) {
    var hint = document.getElementById(sel.getAttribute("data-criteria"));
    if (!hint) return;
    function update() {
      var opt = sel.options[sel.selectedIndex];
      hint.textContent = (opt && opt.getAttribute("data-criteria")) || "";
    }
    sel.addEventListener("change", update);
    update();
  });
})();

// Statement of Applicability, controls and evidence.
(function () {
  "use strict";

  // A row of the statement saves when one of its selects changes, except
  // a control set to excluded, which waits for its justification.
  function exclusionMissing(form) {
    var ap = form.elements.applicability, reason = form.elements.exclusion_reason;
    return ap && ap.value === "excluded" && reason && !reason.disabled && reason.value.trim() === "";
  }
  document.querySelectorAll("select[data-row-submit]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var form = sel.form;
      if (!form) return;
      if (exclusionMissing(form)) {
        form.elements.exclusion_reason.focus();
        return;
      }
      form.requestSubmit();
    });
  });
  document.querySelectorAll("input[data-exclusion]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.form && input.value.trim() !== "") input.form.requestSubmit();
    });
  });

  // A drop zone takes a file dropped on it into its file input.
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) return;
    var chosen = document.createElement("div");
    chosen.className = "chosen";
    chosen.setAttribute("aria-live", "polite");
    zone.appendChild(chosen);
    function show() {
      var f = input.files && input.files[0];
      chosen.textContent = f ? f.name + " · " + sizeText(f.size) : "";
    }
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (ev) {
        if (input.disabled) return;
        ev.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (ev) {
      if (input.disabled || !ev.dataTransfer || !ev.dataTransfer.files.length) return;
      ev.preventDefault();
      input.files = ev.dataTransfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("change", show);
    show();
  });

  function sizeText(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB";
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + " KiB";
    return n + " bytes";
  }

  // Upload forms send their file with a progress bar. The page the server
  // answers with (the one a plain form post would show, with its message)
  // replaces this one. Without script, or without a file, the form posts
  // as usual.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("[data-upload-progress]");
    var status = form.querySelector("[data-upload-status]");
    form.addEventListener("submit", function (ev) {
      var input = form.querySelector("input[type=file]");
      var file = input && !input.disabled && input.files && input.files[0];
      if (!file || !window.FormData || !window.XMLHttpRequest) return;
      var max = Number(input.getAttribute("data-max-bytes") || 0);
      if (max > 0 && file.size > max) {
        ev.preventDefault();
        if (status) status.textContent = file.name + " is " + sizeText(file.size) + ", larger than the " + sizeText(max) + " this server accepts.";
        return;
      }
      ev.preventDefault();
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      if (bar) { bar.hidden = false; bar.value = 0; }
      if (status) status.textContent = "Uploading " + file.name + "…";
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.floor(e.loaded * 100 / e.total);
        if (bar) bar.value = pct;
        if (status) status.textContent = pct < 100 ? "Uploading " + file.name + ": " + pct + "%" : "Checking and storing " + file.name + "…";
      });
      xhr.addEventListener("load", function () {
        var back = form.elements.back ? form.elements.back.value : "";
        var hash = back.indexOf("#") >= 0 ? back.slice(back.indexOf("#")) : "";
        if (xhr.responseURL && xhr.responseURL !== form.action) {
          history.replaceState(null, "", xhr.responseURL + hash);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
        var target = hash && document.getElementById(hash.slice(1));
        if (target) target.scrollIntoView();
      });
      function fail() {
        buttons.forEach(function (b) { b.disabled = false; });
        if (bar) bar.hidden = true;
        if (status) status.textContent = "The upload failed: the connection to the server was lost. Nothing was saved; try again.";
      }
      xhr.addEventListener("error", fail);
      xhr.addEventListener("abort", fail);
      xhr.send(new FormData(form));
    });
  });
})();

// Incident pages.
(function () {
  "use strict";

  // Elements marked data-countdown data-due="RFC 3339" count down to the
  // deadline in the words the server wrote them: hours and minutes, or
  // days and hours (data-days) while two days or more are left. The
  // page is right without this; it only keeps the count current.
  var counters = document.querySelectorAll("[data-countdown][data-due]");
  if (!counters.length) return;
  function unit(n, one) { return n === 1 ? "1 " + one : n + " " + one + "s"; }
  function words(ms, days) {
    var late = ms < 0;
    var mins = Math.floor(Math.abs(ms) / 60000);
    var h = Math.floor(mins / 60), m = mins % 60;
    var s = unit(h, "hour") + " " + unit(m, "minute");
    if (days && h >= 48) s = unit(Math.floor(h / 24), "day") + " " + unit(h % 24, "hour");
    return s + (late ? " late" : " left");
  }
  function tick() {
    var now = Date.now();
    counters.forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      el.textContent = words(due - now, el.hasAttribute("data-days"));
      if (due < now) {
        el.classList.remove("dl-running");
        if (el.classList.contains("countdown-cell")) el.classList.add("dl-overdue");
      }
    });
  }
  setInterval(tick, 30000);
})();
