// Concord: keyboard shortcut for the search box and the copy-citation buttons.
"use strict";

function isTyping(target) {
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

// "/" anywhere (outside a text field) jumps to the search box, as on many search sites.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
    return;
  }
  var box = document.getElementById("q");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});

// Older browsers and plain-http pages have no async clipboard: copy through a selected text area.
function fallbackCopy(text) {
  var area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.appendChild(area);
  area.select();
  var ok = false;
  try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
  document.body.removeChild(area);
  return ok;
}

function report(status, ok, text) {
  if (!status) { return; }
  status.textContent = ok ? status.dataset.copied + ": " + text : status.dataset.failed;
}

function copyCitation(button) {
  var source = document.getElementById(button.dataset.copy);
  var status = document.querySelector(".copy-status");
  if (!source) { return; }
  var text = source.textContent.trim();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(
      function () { report(status, true, text); },
      function () { report(status, fallbackCopy(text), text); }
    );
  } else {
    report(status, fallbackCopy(text), text);
  }
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (button) { copyCitation(button); }
});
