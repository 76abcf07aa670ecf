/* Question form: show only the parts that fit the chosen kind of question.
   Without JavaScript every part stays visible and the server ignores the rest. */
(function () {
  "use strict";
  function update(form) {
    var kind = form.querySelector("[name=kind]");
    if (!kind) { return; }
    form.querySelectorAll("[data-for-kinds]").forEach(function (part) {
      var kinds = part.getAttribute("data-for-kinds").split(" ");
      part.hidden = kinds.indexOf(kind.value) === -1;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".qb-question-form").forEach(function (form) {
      update(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") { update(form); }
      });
    });
  });
})();
