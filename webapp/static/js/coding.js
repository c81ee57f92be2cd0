// The coding page: a transcript with the coder's spans and the extractor's suggestions, coded with
// the mouse or the keyboard alone. Every action goes to the server, which answers with the whole new
// state (spans and pending suggestions); the page only draws what the server holds.
(function () {
  "use strict";
  var root = document.getElementById("coding");
  if (!root) { return; }

  var LABELS = ["context", "mechanism", "outcome", "enabling", "hindering"];
  var LABEL_NAMES = { context: "Context", mechanism: "Mechanism", outcome: "Outcome",
                      enabling: "Enabling condition", hindering: "Hindering condition" };
  var text = JSON.parse(document.getElementById("coding-text").textContent);
  var sentences = JSON.parse(document.getElementById("coding-sentences").textContent);
  var base = root.dataset.baseUrl;
  var language = root.dataset.language;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var transcript = document.getElementById("transcript");
  var turns = Array.prototype.map.call(transcript.querySelectorAll(".turn"), function (section) {
    return { el: section.querySelector(".turn-text"), start: +section.dataset.start, end: +section.dataset.end };
  });
  var words = [];
  var wordPattern = /\S+/g, found;
  while ((found = wordPattern.exec(text)) !== null) { words.push([found.index, found.index + found[0].length]); }

  var state = { annotations: [], suggestions: [], model: "" };
  var current = null;      // {kind: "annotation"|"suggestion", key}
  var selection = null;    // {start, end} waiting for a label
  var caret = -1, anchor = -1;
  var resume = -1;         // where the word cursor comes back after a label or a move to a span
  var editing = null;      // {kind, key}: the span or suggestion whose bounds the word selection now holds

  // -- talking to the server --------------------------------------------------------------------
  function send(method, path, body) {
    var options = { method: method, headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
                    credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(base + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = data.error || {};
          announce(error.message || ("The server refused: " + response.status), true);
          return null;
        }
        state = data;
        draw();
        return response;
      });
    }).catch(function () { announce("The server could not be reached; nothing was changed.", true); return null; });
  }

  function announce(message, isError) {
    var live = document.getElementById("announce");
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 30);
    var shown = document.getElementById("coding-message");
    if (!shown) {
      shown = document.createElement("p");
      shown.id = "coding-message";
      shown.className = "flash";
      root.parentNode.insertBefore(shown, root);
    }
    shown.textContent = message;
    shown.className = "flash " + (isError ? "flash-error" : "flash-success");
  }

  // -- drawing ----------------------------------------------------------------------------------
  function items() {
    var all = state.annotations.map(function (a) { return { kind: "annotation", key: a.key, start: a.start, end: a.end, item: a }; })
      .concat(state.suggestions.map(function (s) { return { kind: "suggestion", key: String(s.id), start: s.start, end: s.end, item: s }; }));
    all.sort(function (x, y) { return x.start - y.start || x.end - y.end || (x.kind < y.kind ? -1 : 1); });
    return all;
  }

  function currentItem() {
    if (!current) { return null; }
    var list = items();
    for (var i = 0; i < list.length; i++) {
      if (list[i].kind === current.kind && list[i].key === current.key) { return list[i]; }
    }
    return null;
  }

  function wordAt(offset) {
    var low = 0, high = words.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (words[middle][0] <= offset) { low = middle; } else { high = middle - 1; }
    }
    return low;
  }

  function caretRange() {
    if (caret < 0) { return null; }
    var from = Math.min(anchor, caret), to = Math.max(anchor, caret);
    return { start: words[from][0], end: words[to][1] };
  }

  function drawTurn(turn) {
    var marks = [];
    state.annotations.forEach(function (a) { marks.push({ start: a.start, end: a.end, cls: "ann label-" + a.label, kind: "annotation", key: a.key }); });
    state.suggestions.forEach(function (s) { marks.push({ start: s.start, end: s.end, cls: "sug label-" + s.label, kind: "suggestion", key: String(s.id) }); });
    var chosen = selection || caretRange();
    if (chosen) { marks.push({ start: chosen.start, end: chosen.end, cls: "sel" }); }
    var cuts = [turn.start, turn.end];
    marks.forEach(function (m) {
      if (m.end > turn.start && m.start < turn.end) { cuts.push(Math.max(m.start, turn.start), Math.min(m.end, turn.end)); }
    });
    cuts = cuts.filter(function (v, i, all) { return all.indexOf(v) === i; }).sort(function (a, b) { return a - b; });
    var fragment = document.createDocumentFragment();
    for (var i = 0; i + 1 < cuts.length; i++) {
      var from = cuts[i], to = cuts[i + 1];
      var span = document.createElement("span");
      span.dataset.offset = from;
      span.textContent = text.slice(from, to);
      var classes = [];
      marks.forEach(function (m) {
        if (m.start <= from && m.end >= to) {
          classes.push(m.cls);
          if (m.kind) {
            span.dataset.kind = m.kind;
            span.dataset.key = m.key;
            if (current && current.kind === m.kind && current.key === m.key) { classes.push("current"); }
          }
        }
      });
      if (classes.length) { span.className = classes.join(" "); }
      fragment.appendChild(span);
    }
    turn.el.textContent = "";
    turn.el.appendChild(fragment);
  }

  function draw() {
    turns.forEach(drawTurn);
    var item = currentItem();
    if (current && !item) { current = null; }
    drawPanels(item);
    drawLists();
  }

  function quoteOf(start, end) {
    var quote = text.slice(start, end);
    return quote.length > 160 ? quote.slice(0, 157) + "…" : quote;
  }

  function drawPanels(item) {
    var selectionPanel = document.getElementById("selection-panel");
    var chosen = selection || caretRange();
    selectionPanel.hidden = !chosen;
    document.getElementById("editing-hint").hidden = !editing;
    if (chosen) { document.getElementById("selection-quote").textContent = "“" + quoteOf(chosen.start, chosen.end) + "”"; }
    var panel = document.getElementById("item-panel");
    panel.hidden = !item;
    if (!item) { return; }
    var data = item.item, isSuggestion = item.kind === "suggestion";
    document.getElementById("item-title").textContent = isSuggestion ? "Suggestion" : "Your span";
    document.getElementById("item-quote").textContent = "“" + quoteOf(data.start, data.end) + "”";
    document.getElementById("item-label").value = data.label;
    document.getElementById("item-score-row").hidden = !isSuggestion;
    document.getElementById("item-reason-row").hidden = !isSuggestion;
    document.getElementById("item-model-row").hidden = !isSuggestion;
    if (isSuggestion) {
      document.getElementById("item-score").textContent = data.score.toFixed(2);
      document.getElementById("item-reason").textContent = reasonText(data.reason);
      var model = document.getElementById("item-model");
      model.textContent = data.model;
      model.href = root.dataset.cardUrl.replace("VERSION", encodeURIComponent(data.model));
    }
    document.getElementById("item-concept").textContent = data.concept ? data.concept.label + " (" + data.concept.scheme + ")" : "—";
    panel.querySelector('[data-action="accept"]').hidden = !isSuggestion;
    panel.querySelector('[data-action="reject"]').hidden = !isSuggestion;
    panel.querySelector('[data-action="delete"]').hidden = isSuggestion;
    panel.querySelector(".memo-field").hidden = isSuggestion;
    if (!isSuggestion && document.activeElement !== document.getElementById("memo")) {
      document.getElementById("memo").value = data.memo || "";
    }
  }

  function reasonText(reason) {
    if (!reason) { return "—"; }
    if (reason.indexOf("rule:") === 0) { return "cue pattern " + reason.slice(5); }
    if (reason.indexOf("concept:") === 0) { return "names the concept " + reason.slice(8); }
    if (reason.indexOf("model:") === 0) { return "trained model " + reason.slice(6); }
    return reason;
  }

  function drawLists() {
    document.getElementById("suggestion-count").textContent = state.suggestions.length === 1
      ? "1 suggestion waits for your decision." : state.suggestions.length + " suggestions wait for your decision.";
    var modelLink = document.getElementById("model-link");
    modelLink.textContent = state.model;
    modelLink.href = root.dataset.cardUrl.replace("VERSION", encodeURIComponent(state.model));
    var list = document.getElementById("span-list");
    list.textContent = "";
    state.annotations.forEach(function (a) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button span-item label-" + a.label;
      button.dataset.kind = "annotation";
      button.dataset.key = a.key;
      button.textContent = LABEL_NAMES[a.label] + ": " + quoteOf(a.start, a.end);
      li.appendChild(button);
      list.appendChild(li);
    });
    if (!state.annotations.length) {
      var none = document.createElement("li");
      none.textContent = "None yet.";
      list.appendChild(none);
    }
  }

  // -- moving around ----------------------------------------------------------------------------
  function focusItem(kind, key) {
    current = { kind: kind, key: key };
    selection = null;
    caret = anchor = -1;
    draw();
    if (currentItem()) { resume = wordAt(currentItem().end - 1); }
    var mark = transcript.querySelector('[data-kind="' + kind + '"][data-key="' + key + '"]');
    if (mark) { mark.scrollIntoView({ block: "nearest" }); }
    var item = currentItem();
    if (item) {
      var data = item.item;
      announce((kind === "suggestion" ? "Suggestion: " + LABEL_NAMES[data.label] + ", score " + data.score.toFixed(2)
        : "Your " + LABEL_NAMES[data.label] + " span") + ": " + quoteOf(data.start, data.end));
    }
  }

  function step(direction) {
    var list = items();
    if (!list.length) { announce("Nothing to move to: no span or suggestion yet."); return; }
    var position = -1;
    var here = currentItem();
    if (here) { position = list.indexOf(list.filter(function (i) { return i.kind === here.kind && i.key === here.key; })[0]); }
    else if (caret >= 0) {
      var at = words[caret][0];
      position = direction > 0 ? -1 : list.length;
      list.forEach(function (item, i) { if (direction > 0 ? item.start < at : item.start <= at) { position = i; } });
      if (direction < 0) { position += 1; }
    }
    var next = position + direction;
    if (next < 0) { next = list.length - 1; }
    if (next >= list.length) { next = 0; }
    focusItem(list[next].kind, list[next].key);
  }

  function moveCaret(delta, extend, moveStart) {
    if (!words.length) { return; }
    if (!editing) { current = null; }
    selection = null;
    if (moveStart && caret >= 0) {
      // The start moves; the end stays: the anchor is the start when selecting forwards.
      var low = Math.min(anchor, caret), high = Math.max(anchor, caret);
      low = Math.max(0, Math.min(high, low + delta));
      anchor = low; caret = high;
      draw();
      announce("Selected: " + quoteOf(caretRange().start, caretRange().end));
      return;
    }
    if (caret < 0 && resume >= 0) { caret = anchor = Math.max(0, Math.min(words.length - 1, resume + delta)); }
    else if (caret < 0) { caret = anchor = delta > 0 ? 0 : words.length - 1; }
    else {
      caret = Math.max(0, Math.min(words.length - 1, caret + delta));
      if (!extend) { anchor = caret; }
    }
    draw();
    var range = caretRange();
    var mark = transcript.querySelector(".sel");
    if (mark) { mark.scrollIntoView({ block: "nearest" }); }
    announce("Selected: " + quoteOf(range.start, range.end));
  }

  function selectionFromMouse() {
    var chosen = window.getSelection();
    if (!chosen || chosen.isCollapsed || !transcript.contains(chosen.anchorNode)) { return; }
    var a = offsetOf(chosen.anchorNode, chosen.anchorOffset), b = offsetOf(chosen.focusNode, chosen.focusOffset);
    if (a === null || b === null) { return; }
    var start = Math.min(a, b), end = Math.max(a, b);
    while (start < end && /\s/.test(text[start])) { start++; }
    while (end > start && /\s/.test(text[end - 1])) { end--; }
    if (end <= start) { return; }
    selection = { start: start, end: end };
    current = null;
    caret = anchor = -1;
    draw();
    chosen.removeAllRanges();
    announce("Selected: " + quoteOf(start, end) + ". Press 1 to 5 to label it.");
  }

  function offsetOf(node, offset) {
    var element = node.nodeType === 3 ? node.parentNode : node;
    if (element && element.dataset && element.dataset.offset !== undefined) {
      return +element.dataset.offset + (node.nodeType === 3 ? offset : 0);
    }
    if (element && element.classList && element.classList.contains("turn-text")) {
      var child = element.childNodes[Math.min(offset, element.childNodes.length - 1)];
      if (child && child.dataset) { return +child.dataset.offset + (offset >= element.childNodes.length ? child.textContent.length : 0); }
    }
    return null;
  }

  function selectWords(start, end) {
    anchor = wordAt(start);
    caret = wordAt(Math.max(start, end - 1));
    selection = null;
  }

  function selectSentence() {
    var item = currentItem();
    var at = caret >= 0 ? words[caret][0] : item ? item.start : resume >= 0 ? words[resume][0] : -1;
    if (at < 0) { announce("Move the word cursor into a sentence first (arrow keys)."); return; }
    var found = sentences.filter(function (b) { return b[0] <= at && at < b[1]; })[0];
    if (!found) { announce("No sentence here."); return; }
    current = null;
    editing = null;
    selectWords(found[0], found[1]);
    draw();
    announce("Selected the sentence: " + quoteOf(found[0], found[1]) + ". Press 1 to 5 to label it.");
  }

  function startEditing() {
    var item = currentItem();
    if (!item) { announce("Move to a span or suggestion first (n)."); return; }
    editing = { kind: item.kind, key: item.key, label: item.item.label };
    selectWords(item.start, item.end);
    draw();
    announce("Editing the bounds of “" + quoteOf(item.start, item.end) + "”: arrows move the end, Shift and arrows the start, Enter saves, Escape cancels.");
  }

  function saveEditing() {
    var range = caretRange();
    var target = editing;
    if (!target || !range) { return; }
    var request = target.kind === "annotation"
      ? send("PATCH", "annotations/" + target.key, { start: range.start, end: range.end })
      : send("POST", "suggestions/" + target.key + "/accept", { start: range.start, end: range.end });
    request.then(function (ok) {
      if (ok) {
        editing = null;
        caret = anchor = -1;
        resume = wordAt(range.end - 1);
        var made = state.annotations.filter(function (a) { return a.start === range.start && a.end === range.end; })[0];
        current = made ? { kind: "annotation", key: made.key } : null;
        draw();
        announce((target.kind === "annotation" ? "Bounds saved: " : "Accepted with new bounds: ") + quoteOf(range.start, range.end));
      }
    });
  }

  // -- actions ----------------------------------------------------------------------------------
  function label(code) {
    if (editing) {
      var target = editing, range = caretRange();
      if (target.kind === "suggestion") {
        editing = null;
        current = { kind: "suggestion", key: target.key };
        caret = anchor = -1;
        accept({ label: code, start: range.start, end: range.end });
        return;
      }
      editing = null;
      caret = anchor = -1;
      send("PATCH", "annotations/" + target.key, { label: code, start: range.start, end: range.end }).then(function (ok) {
        if (ok) { current = { kind: "annotation", key: target.key }; draw(); announce("Now " + LABEL_NAMES[code] + ": " + quoteOf(range.start, range.end)); }
      });
      return;
    }
    var chosen = selection || caretRange();
    var item = currentItem();
    if (chosen) {
      send("POST", "annotations", { label: code, start: chosen.start, end: chosen.end }).then(function (ok) {
        if (ok) {
          selection = null;
          resume = wordAt(chosen.end - 1);
          caret = anchor = -1;
          var made = state.annotations.filter(function (a) { return a.start === chosen.start && a.end === chosen.end; })[0];
          if (made) { current = { kind: "annotation", key: made.key }; }
          draw();
          announce("Labelled " + LABEL_NAMES[code] + ": " + quoteOf(chosen.start, chosen.end));
        }
      });
    } else if (item && item.kind === "suggestion") {
      accept({ label: code });
    } else if (item) {
      send("PATCH", "annotations/" + item.key, { label: code }).then(function (ok) {
        if (ok) { announce("Now " + LABEL_NAMES[code] + "."); }
      });
    } else {
      announce("Select some text first, or move to a suggestion with n.");
    }
  }

  function nextAfter(item) {
    // After deciding on a suggestion, go on to the next one: that is how a coder works through them.
    var following = state.suggestions.filter(function (s) { return s.start >= item.start && String(s.id) !== item.key; })[0]
      || state.suggestions[0];
    if (following) { focusItem("suggestion", String(following.id)); } else { current = null; draw(); }
  }

  function accept(changes) {
    var item = currentItem();
    if (!item || item.kind !== "suggestion") { announce("Move to a suggestion first (n)."); return; }
    var data = item.item;
    send("POST", "suggestions/" + item.key + "/accept", changes || {}).then(function (ok) {
      if (ok) {
        nextAfter(item);
        announce("Accepted " + LABEL_NAMES[(changes && changes.label) || data.label] + ": " + quoteOf(data.start, data.end));
      }
    });
  }

  function reject() {
    var item = currentItem();
    if (!item || item.kind !== "suggestion") { announce("Move to a suggestion first (n)."); return; }
    send("POST", "suggestions/" + item.key + "/reject", {}).then(function (ok) {
      if (ok) { nextAfter(item); announce("Rejected: " + quoteOf(item.start, item.end)); }
    });
  }

  function remove() {
    var item = currentItem();
    if (!item || item.kind !== "annotation") { announce("Move to one of your spans first (n)."); return; }
    send("DELETE", "annotations/" + item.key).then(function (ok) {
      if (ok) { current = null; draw(); announce("Deleted: " + quoteOf(item.start, item.end)); transcript.focus(); }
    });
  }

  function acceptAbove() {
    var threshold = parseFloat(document.getElementById("threshold").value);
    if (isNaN(threshold) || threshold < 0 || threshold > 1) { announce("The threshold is a score from 0 to 1.", true); return; }
    var before = state.annotations.length;
    send("POST", "suggestions/accept-above", { threshold: threshold }).then(function (ok) {
      if (ok) { current = null; draw(); announce("Accepted " + (state.annotations.length - before) + " suggestions scoring at least " + threshold + "."); }
    });
  }

  function saveMemo() {
    var item = currentItem();
    if (!item || item.kind !== "annotation") { return; }
    send("PATCH", "annotations/" + item.key, { memo: document.getElementById("memo").value }).then(function (ok) {
      if (ok) { announce("Memo saved."); }
    });
  }

  // -- concept search (a combobox: type, arrows, Enter) -------------------------------------------
  var conceptInput = document.getElementById("concept-input");
  var conceptList = document.getElementById("concept-list");
  var conceptTimer = null, conceptActive = -1;

  function searchConcepts() {
    var item = currentItem();
    if (!item) { return; }
    var url = root.dataset.conceptsUrl + "?label=" + encodeURIComponent(item.item.label) + "&lang=" +
      encodeURIComponent(language) + "&q=" + encodeURIComponent(conceptInput.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { concepts: [] }; })
      .then(function (data) {
        conceptList.textContent = "";
        conceptActive = -1;
        data.concepts.forEach(function (concept, i) {
          var option = document.createElement("li");
          option.id = "concept-option-" + i;
          option.setAttribute("role", "option");
          option.dataset.scheme = concept.scheme;
          option.dataset.code = concept.code;
          option.textContent = concept.label + " — " + concept.scheme;
          option.title = concept.definition;
          option.addEventListener("mousedown", function (event) { event.preventDefault(); chooseConcept(option); });
          conceptList.appendChild(option);
        });
        conceptList.hidden = !data.concepts.length;
        conceptInput.setAttribute("aria-expanded", data.concepts.length ? "true" : "false");
      });
  }

  function chooseConcept(option) {
    var item = currentItem();
    conceptList.hidden = true;
    conceptInput.setAttribute("aria-expanded", "false");
    conceptInput.value = "";
    if (!item) { return; }
    var changes = { concept_scheme: option.dataset.scheme, concept_code: option.dataset.code };
    if (item.kind === "suggestion") { accept(changes); return; }
    send("PATCH", "annotations/" + item.key, changes).then(function (ok) {
      if (ok) { announce("Linked to " + option.textContent + "."); transcript.focus(); }
    });
  }

  conceptInput.addEventListener("input", function () {
    window.clearTimeout(conceptTimer);
    conceptTimer = window.setTimeout(searchConcepts, 150);
  });
  conceptInput.addEventListener("focus", searchConcepts);
  conceptInput.addEventListener("keydown", function (event) {
    var options = conceptList.querySelectorAll("li");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) { return; }
      conceptActive = (conceptActive + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === conceptActive ? "true" : "false"); });
      conceptInput.setAttribute("aria-activedescendant", options[conceptActive].id);
    } else if (event.key === "Enter" && conceptActive >= 0) {
      event.preventDefault();
      chooseConcept(options[conceptActive]);
    } else if (event.key === "Escape") {
      conceptList.hidden = true;
      transcript.focus();
    }
  });

  // -- wiring -----------------------------------------------------------------------------------
  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (document.getElementById("help-dialog").open) { return; }
    var inTranscript = event.target === transcript || transcript.contains(event.target);
    var key = event.key;
    var handled = true;
    if ((key === "ArrowRight" || key === "ArrowLeft") && editing) {
      // Editing bounds: arrows move the end, Shift and arrows the start.
      moveCaret(key === "ArrowRight" ? 1 : -1, true, event.shiftKey);
    }
    else if ((key === "ArrowRight" || key === "ArrowLeft") && inTranscript) { moveCaret(key === "ArrowRight" ? 1 : -1, event.shiftKey); }
    else if (key === "Enter" && editing) { saveEditing(); }
    else if (key === "e" && !editing) { startEditing(); }
    else if (key === "s") { selectSentence(); }
    else if (key >= "1" && key <= "5") { label(LABELS[+key - 1]); }
    else if (key === "n" || key === "j") { step(1); }
    else if (key === "p" || key === "k") { step(-1); }
    else if (key === "a") { accept(); }
    else if (key === "A") { acceptAbove(); }
    else if (key === "x" || key === "r") { reject(); }
    else if (key === "Delete" || key === "Backspace") { remove(); }
    else if (key === "m" && currentItem() && current.kind === "annotation") { document.getElementById("memo").focus(); }
    else if (key === "/" && currentItem()) { conceptInput.focus(); }
    else if (key === "?") { document.getElementById("help-dialog").showModal(); }
    else if (key === "Escape") {
      if (editing) { current = { kind: editing.kind, key: editing.key }; editing = null; caret = anchor = -1; draw(); announce("Editing cancelled."); }
      else { selection = null; caret = anchor = resume = -1; current = null; draw(); }
      transcript.focus();
    }
    else { handled = false; }
    if (handled) { event.preventDefault(); }
  });

  transcript.addEventListener("mouseup", selectionFromMouse);
  transcript.addEventListener("click", function (event) {
    var mark = event.target.closest("[data-kind]");
    if (mark && window.getSelection().isCollapsed) { focusItem(mark.dataset.kind, mark.dataset.key); }
  });
  document.getElementById("span-list").addEventListener("click", function (event) {
    var button = event.target.closest("[data-kind]");
    if (button) { focusItem(button.dataset.kind, button.dataset.key); }
  });
  document.querySelectorAll("#selection-panel [data-label]").forEach(function (button) {
    button.addEventListener("click", function () { label(button.dataset.label); });
  });
  document.getElementById("item-label").addEventListener("change", function (event) { label(event.target.value); });
  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var action = button.dataset.action;
    if (action === "accept") { accept(); }
    else if (action === "reject") { reject(); }
    else if (action === "delete") { remove(); }
    else if (action === "edit") { startEditing(); transcript.focus(); }
    else if (action === "accept-above") { acceptAbove(); }
    else if (action === "save-memo") { saveMemo(); }
  });
  document.querySelector('[data-action="help"]').addEventListener("click", function () {
    document.getElementById("help-dialog").showModal();
  });

  fetch(root.dataset.stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) { state = data; draw(); root.classList.add("ready"); });
})();
