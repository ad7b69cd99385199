// Starts Swagger UI on the API reference page; the schema URL comes from the page (no inline script).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    requestInterceptor: function (request) {
      // The session's CSRF token lets "Try it out" send writes as the signed-in user.
      var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
      if (match) request.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
      return request;
    },
  });
});
