// Marks the page as scripted for GOV.UK Frontend, then starts its components.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
import("/static/vendor/govuk/govuk-frontend.min.js").then((m) => m.initAll());
