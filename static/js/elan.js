// Élan: small progressive enhancements. Every page works without it.
document.addEventListener("htmx:responseError", function (event) {
  var region = document.getElementById("htmx-status");
  if (region) {
    region.textContent = "Une erreur est survenue. Vos saisies sont conservées : réessayez dans un instant.";
  }
});

// Confirmations and small behaviours without inline handlers (the
// Content-Security-Policy allows no inline script).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
document.addEventListener("focusin", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-select-on-focus]")) {
    field.select();
  }
});

// A search field (the commune suggestions) sends what is typed under the
// parameter its data-search-param names.
document.addEventListener("htmx:configRequest", function (event) {
  var elt = event.detail.elt;
  var name = elt && elt.getAttribute ? elt.getAttribute("data-search-param") : null;
  if (name) {
    event.detail.parameters[name] = elt.value;
  }
});
