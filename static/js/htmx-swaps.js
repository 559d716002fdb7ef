// Error answers that htmx swaps into the page (the responseHandling of the htmx-config meta tag in
// templates/base.html: a filter form's 400 with its message) stay in the page with DEBUG on too.
// Under DEBUG, {% htmx_script %} also loads django-htmx's debug script, which replaces the whole
// document with any 400, 403, 404 or 500 answer to an htmx request. This listener runs before it
// (capture phase, on the document) and keeps the answers htmx swaps away from it; the others
// (a 500's technical page under DEBUG) still reach it.
document.addEventListener(
  "htmx:beforeOnLoad",
  (event) => {
    const status = event.detail.xhr.status;
    if (status < 400) {
      return;
    }
    const rule = htmx.config.responseHandling.find((candidate) => new RegExp(candidate.code).test(String(status)));
    if (rule && rule.swap) {
      event.stopImmediatePropagation();
    }
  },
  true,
);
