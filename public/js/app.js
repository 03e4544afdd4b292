/* Shell behaviour shared by every page: layui navigation, and the CSRF header for fetch calls. */
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.meshcron = {
    csrfToken: meta ? meta.getAttribute('content') : '',
    /** fetch() for the JSON API with the session's CSRF token. */
    api: function (method, url, body) {
      return fetch(url, {
        method: method,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': window.meshcron.csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) throw json;
          return json;
        });
      });
    },
  };
  if (window.layui) {
    window.layui.use(['element'], function () {});
  }
})();
