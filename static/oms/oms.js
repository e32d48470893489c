// Small enhancements only: every page works without this file.
document.addEventListener("submit", (event) => {
  // A submit button marked data-submit-once cannot fire twice (the server is idempotent too).
  const button = event.submitter;
  if (!button || !button.hasAttribute("data-submit-once")) return;
  if (button.dataset.submitting) { event.preventDefault(); return; }
  button.dataset.submitting = "1";
  setTimeout(() => { button.disabled = true; }, 0);
});

// "Ship to the billing address" hides the shipping fields it makes irrelevant.
function syncShippingFields() {
  const same = document.querySelector("input[name=same_as_billing]");
  const fields = document.querySelector(".shipping-fields");
  if (same && fields) fields.hidden = same.checked;
}
document.addEventListener("change", (event) => {
  if (event.target.matches("input[name=same_as_billing]")) syncShippingFields();
});
document.addEventListener("DOMContentLoaded", syncShippingFields);
