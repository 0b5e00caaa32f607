// Concord: small enhancements; every page works without them.
"use strict";

var SMALL = window.matchMedia("(max-width: 48rem)");
var FOCUS_KEY = "concord.focus";

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

// copying

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
  var lines = text.split("\n"), said = lines.length > 1 ? lines[1] : lines[0]; // the citation, not the text
  status.textContent = ok ? status.dataset.copied + ": " + said : status.dataset.failed;
}

// A button copies its data-text, or the text of the element its data-copy names.
function copyFrom(button) {
  var source = button.dataset.copy && document.getElementById(button.dataset.copy);
  var text = button.dataset.text || (source ? source.textContent.trim() : "");
  var status = document.querySelector(".copy-status");
  if (!text) { return; }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(
      function () { report(status, true, text); },
      function () { report(status, fallbackCopy(text), text); }
    );
  } else {
    report(status, fallbackCopy(text), text);
  }
}

// facets: focus kept after a toggle, the phone's panel, filtering values

function facetLink(facet, key) {
  var links = document.querySelectorAll(".facet[data-facet='" + facet + "'] a[data-key]");
  for (var i = 0; i < links.length; i++) {
    if (links[i].dataset.key === key) { return links[i]; }
  }
  return null;
}

function openPanel(panel) {
  panel.classList.add("open");
}

// After a toggle reloads the page, the focus goes back to the value toggled, not to the top.
function restoreFocus() {
  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null"); } catch (e) { saved = null; }
  sessionStorage.removeItem(FOCUS_KEY);
  var panel = document.getElementById("filters");
  if (!saved || !panel) { return; }
  var target = facetLink(saved.facet, saved.key) || document.getElementById("filters-heading");
  var more = target.closest("details");
  if (more) { more.open = true; }
  if (SMALL.matches) { openPanel(panel); }
  target.focus();
}

document.addEventListener("click", function (event) {
  var link = event.target.closest(".facets a[data-key]");
  if (link) {
    var facet = link.dataset.facet || link.closest("[data-facet]").dataset.facet;
    sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ facet: facet, key: link.dataset.key }));
    return;
  }
  var button = event.target.closest("button.copy");
  if (button) { copyFrom(button); return; }
  var opener = event.target.closest(".filters-link");
  var panel = document.getElementById("filters");
  if (opener && panel) {
    event.preventDefault();
    openPanel(panel);
    document.getElementById("filters-heading").focus();
    return;
  }
  if (event.target.closest(".facets .close a") && panel) {
    event.preventDefault();
    panel.classList.remove("open");
    if (location.hash === "#filters") { history.replaceState(null, "", location.pathname + location.search); }
    document.querySelector(".filters-link").focus();
  }
});

document.addEventListener("keydown", function (event) {
  var panel = document.getElementById("filters");
  if (event.key === "Escape" && panel && panel.classList.contains("open")) {
    panel.classList.remove("open");
    document.querySelector(".filters-link").focus();
  }
});

// A facet with more values than it shows gets a box that filters them as you type; values
// left out of the page come from the facet's own JSON (/api/facet/<name>), which lists them all.
var every = {};
function allValues(facet) {
  var url = facet.dataset.values;
  if (!url) { return Promise.resolve([]); }
  every[url] = every[url] || fetch(url).then(function (r) { return r.json(); });
  return every[url].then(function (data) { return data.values || []; });
}

function valueItem(value) {
  var item = document.createElement("li"), link = document.createElement("a"), count = document.createElement("span");
  link.href = value.toggle_url;
  link.dataset.key = value.key;
  link.textContent = (document.documentElement.lang === "en" ? value.en : value.zh) + " ";
  count.className = "count";
  count.textContent = value.count;
  link.appendChild(count);
  item.appendChild(link);
  return item;
}

function findUnlisted(facet, typed, found) {
  allValues(facet).then(function (values) {
    if (facet.querySelector("input").value.trim().toLowerCase() !== typed) { return; }
    found.textContent = "";
    var listed = {};
    facet.querySelectorAll("details li a, ul:not(.found) > li a").forEach(function (a) { listed[a.dataset.key] = true; });
    values.filter(function (v) {
      return !listed[v.key] && (v.en + " " + v.zh).toLowerCase().indexOf(typed) >= 0;
    }).forEach(function (v) { found.appendChild(valueItem(v)); });
  });
}

function addValueFilter(facet) {
  var box = document.createElement("input"), found = document.createElement("ul");
  box.type = "search";
  box.setAttribute("aria-label", facet.dataset.label);
  box.placeholder = facet.dataset.label;
  found.className = "found";
  facet.querySelector("h3").insertAdjacentElement("afterend", box);
  facet.appendChild(found);
  box.addEventListener("input", function () {
    var typed = box.value.trim().toLowerCase();
    facet.querySelectorAll("details.more").forEach(function (d) { d.open = d.open || typed !== ""; });
    facet.querySelectorAll("ul:not(.found) > li").forEach(function (item) {
      item.hidden = typed !== "" && item.textContent.toLowerCase().indexOf(typed) < 0;
    });
    found.textContent = "";
    if (typed && facet.querySelector(".unlisted")) { findUnlisted(facet, typed, found); }
  });
}

// suggestions as you type

function Suggest(box) {
  this.box = box;
  this.list = document.createElement("ul");
  this.list.id = "q-suggest";
  this.list.className = "suggest";
  this.list.setAttribute("role", "listbox");
  this.list.hidden = true;
  box.form.appendChild(this.list);
  var attributes = { role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
                     "aria-controls": this.list.id, autocomplete: "off" };
  Object.keys(attributes).forEach(function (name) { box.setAttribute(name, attributes[name]); });
  this.composing = false;
  this.timer = null;
  this.active = -1;
  this.asked = 0;
  this.bind();
}

Suggest.prototype.bind = function () {
  var self = this, box = this.box;
  // An input method composes Chinese in several keystrokes: nothing fires until it commits.
  box.addEventListener("compositionstart", function () { self.composing = true; clearTimeout(self.timer); });
  box.addEventListener("compositionend", function () { self.composing = false; self.later(); });
  box.addEventListener("input", function (event) {
    if (self.composing || event.isComposing) { return; }
    self.later();
  });
  box.addEventListener("keydown", function (event) { self.key(event); });
  box.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
  this.list.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) { event.preventDefault(); self.pick(option); }
  });
};

Suggest.prototype.later = function () {
  var self = this;
  clearTimeout(this.timer);
  this.timer = setTimeout(function () { self.ask(); }, 120);
};

Suggest.prototype.ask = function () {
  var self = this, typed = this.box.value.trim(), asked = ++this.asked;
  if (this.composing || !typed) { this.close(); return; }
  fetch("/api/suggest?q=" + encodeURIComponent(typed))
    .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
    .then(function (data) { if (asked === self.asked && !self.composing) { self.show(data.suggestions); } })
    .catch(function () { self.close(); });
};

Suggest.prototype.show = function (items) {
  var list = this.list;
  list.textContent = "";
  items.forEach(function (item, n) {
    var option = document.createElement("li");
    option.id = "q-suggest-" + n;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.dataset.text = item.text;
    option.textContent = item.text;
    var other = item.text === item.zh ? item.en : item.zh;
    if (other !== item.text) {
      var note = document.createElement("span");
      note.className = "other";
      note.lang = other === item.zh ? "zh-Hans" : "en";
      note.textContent = other;
      option.appendChild(note);
    }
    list.appendChild(option);
  });
  this.active = -1;
  list.hidden = items.length === 0;
  this.box.setAttribute("aria-expanded", String(items.length > 0));
  this.box.removeAttribute("aria-activedescendant");
};

Suggest.prototype.close = function () { this.show([]); };

Suggest.prototype.move = function (step) {
  var options = this.list.querySelectorAll("[role=option]");
  if (!options.length) { return; }
  if (this.active >= 0) { options[this.active].setAttribute("aria-selected", "false"); }
  this.active = (this.active + step + options.length) % options.length;
  options[this.active].setAttribute("aria-selected", "true");
  this.box.setAttribute("aria-activedescendant", options[this.active].id);
};

Suggest.prototype.key = function (event) {
  // Keys pressed while an input method composes belong to it (Enter picks its candidate).
  if (this.composing || event.isComposing || event.keyCode === 229) { return; }
  if (this.list.hidden) { return; }
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    this.move(event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Enter" && this.active >= 0) {
    event.preventDefault();
    this.pick(this.list.querySelectorAll("[role=option]")[this.active]);
  } else if (event.key === "Escape") {
    this.close();
  }
};

// Picking fills the box and submits the form, which keeps the filters in its hidden fields.
Suggest.prototype.pick = function (option) {
  this.box.value = option.dataset.text;
  this.close();
  this.box.form.submit();
};

// start

(function start() {
  document.querySelectorAll(".facet[data-label]").forEach(addValueFilter);
  var charts = document.querySelector("details.charts");
  if (charts && SMALL.matches) { charts.open = false; } // one line on a phone
  var box = document.getElementById("q");
  if (box && box.form && window.fetch) { window.concordSuggest = new Suggest(box); }
  restoreFocus();
})();
