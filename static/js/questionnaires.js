// Élan — live survey results: the polled partial refreshes the response
// counter out of band; leave it untouched when its text has not changed, so
// that screen readers (aria-live="polite") only hear about new answers.
document.addEventListener("htmx:oobBeforeSwap", function (event) {
  var target = event.detail.target;
  var fragment = event.detail.fragment;
  if (target && target.id === "compteurs" && fragment &&
      target.textContent.trim() === fragment.textContent.trim()) {
    event.detail.shouldSwap = false;
  }
});
