// Élan: the « Copier le code » button of the widget snippet page. Without
// JavaScript the button stays hidden and the code is selected by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field || !status) {
      return;
    }
    function say(attribute) {
      status.textContent = button.getAttribute(attribute);
    }
    function fallback() {
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      say(copied ? "data-done" : "data-fail");
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          say("data-done");
        }, fallback);
      } else {
        fallback();
      }
    });
    field.addEventListener("focus", function () {
      field.select();
    });
  });
})();
