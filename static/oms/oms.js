// Small enhancements only: every page works without this file.

// A submit button marked data-submit-once cannot fire twice (the server is idempotent too).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (!button || !button.hasAttribute("data-submit-once")) return;
  if (button.dataset.submitting) {
    event.preventDefault();
    return;
  }
  button.dataset.submitting = "1";
  setTimeout(() => { button.disabled = true; }, 0);
});

// Coming back with the browser's Back button shows the page as it was left: enable it again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  document.querySelectorAll("[data-submit-once]").forEach((button) => {
    button.disabled = false;
    delete button.dataset.submitting;
  });
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
