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
})();
