// Élan: small progressive enhancements. Every page works without it.
document.addEventListener("htmx:responseError", function (event) {
  var region = document.getElementById("htmx-status");
  if (region) {
    region.textContent = "Une erreur est survenue. Vos saisies sont conservées : réessayez dans un instant.";
  }
});
