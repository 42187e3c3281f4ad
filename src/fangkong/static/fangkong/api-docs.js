/* The API's documentation page: Swagger UI (vendored, static/vendor/swagger-ui) over the
 * API's own OpenAPI schema. Started from this file, not an inline script (the CSP allows
 * none). Nothing is fetched from elsewhere: no validator badge, no remote schema. */
(function () {
  "use strict";

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || !window.SwaggerUIBundle) return;
    window.SwaggerUIBundle({
      url: root.dataset.openapiUrl,
      domNode: root,
      deepLinking: true,
      layout: "BaseLayout",
      validatorUrl: null,
      // "Try it out" runs on the signed-in session: writes need the CSRF token.
      requestInterceptor: function (request) {
        if (request.method && request.method.toUpperCase() !== "GET") {
          request.headers["X-CSRFToken"] = csrf();
        }
        return request;
      },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
