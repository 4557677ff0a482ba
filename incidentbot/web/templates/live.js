// Polling, not server-sent events: a cheap read of the database's newest change every 2 s works behind any
// proxy and any number of replicas, and holds no connection (nor server thread) open per reader.
(function () {
  var version = document.body.getAttribute("data-version");
  var watch = document.body.getAttribute("data-watch");  // the postmortem page also follows its document's edits
  var signal = "/live" + (watch ? "?postmortem=" + encodeURIComponent(watch) : "");
  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.querySelectorAll("[data-live]").forEach(function (el) {
      var fresh = doc.getElementById(el.id);
      if (fresh) { el.innerHTML = fresh.innerHTML; }
    });
  }
  function tick() {
    fetch(signal, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || data.version === version) { return null; }
        return fetch(location.pathname, {credentials: "same-origin", cache: "no-store"})
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html) { swap(html); version = data.version; } });
      })
      .catch(function () {})
      .then(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 2000);
})();
