// Survey pages: skip logic on the same page, and the region picker narrowed to the chosen country.
// Everything works without this script too: the server applies the same rules on every post.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }

  function answerOf(id) {
    var fields = form.querySelectorAll('[name="' + id + '"]');
    var values = [];
    fields.forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
      if (field.type === "checkbox" && field.name === id && field.checked && field.value === "y") { values.push("true"); return; }
      if (field.value !== "") { values.push(field.value); }
    });
    return values;
  }

  function shown(condition, saved) {
    if (!condition) { return true; }
    if (condition.all) { return condition.all.every(function (c) { return shown(c, saved); }); }
    if (condition.any) { return condition.any.some(function (c) { return shown(c, saved); }); }
    var onPage = form.querySelector('[name="' + condition.q + '"]');
    if (!onPage) { return saved.indexOf(condition.q) === -1 ? true : saved; }
    var values = answerOf(condition.q);
    if ("answered" in condition) { return (values.length > 0) === Boolean(condition.answered); }
    if ("eq" in condition) { return values.length === 1 && values[0] === String(condition.eq); }
    if ("ne" in condition) { return values.indexOf(String(condition.ne)) === -1; }
    if ("in" in condition) { return values.some(function (v) { return condition["in"].map(String).indexOf(v) !== -1; }); }
    if ("not_in" in condition) { return !values.some(function (v) { return condition.not_in.map(String).indexOf(v) !== -1; }); }
    return true;
  }

  function refresh() {
    form.querySelectorAll("[data-relevant]").forEach(function (block) {
      var condition = JSON.parse(block.getAttribute("data-relevant"));
      if (!dependsOnPage(condition)) { return; }  // decided by earlier pages: the server knows best
      block.hidden = !shown(condition, []);
    });
    form.querySelectorAll("[data-other-for]").forEach(function (block) {
      block.hidden = answerOf(block.getAttribute("data-other-for")).indexOf("other") === -1;
    });
    narrowRegions();
  }

  function dependsOnPage(condition) {
    if (condition.all) { return condition.all.some(dependsOnPage); }
    if (condition.any) { return condition.any.some(dependsOnPage); }
    return Boolean(form.querySelector('[name="' + condition.q + '"]'));
  }

  function narrowRegions() {
    var country = form.querySelector("select[name$='A1'], select[name='F2']");
    form.querySelectorAll("select[data-region-picker]").forEach(function (picker) {
      var code = country ? country.value : "";
      picker.querySelectorAll("optgroup").forEach(function (group) {
        var first = group.querySelector("option");
        var inCountry = !code || (first && first.value.indexOf(code) === 0);
        group.hidden = !inCountry;
        group.disabled = !inCountry;
      });
    });
  }

  form.addEventListener("change", refresh);
  refresh();
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
