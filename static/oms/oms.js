// Small enhancements only: every page works without this file.
document.addEventListener("submit", (event) => {
  // A submit button marked data-submit-once cannot fire twice (the server is idempotent too).
  const button = event.submitter;
  if (!button || !button.hasAttribute("data-submit-once")) return;
  if (button.dataset.submitting) { event.preventDefault(); return; }
  button.dataset.submitting = "1";
  setTimeout(() => { button.disabled = true; }, 0);
});
