// YASGUI (vendored) against this server's /sparql. Its autocompleters that call outside hosts
// (prefix.cc, LOV) are switched off, and the endpoint catalogue is empty, so the page talks to
// this origin only (the Content-Security-Policy would refuse anything else anyway).
"use strict";
(function () {
  var el = document.getElementById("yasgui");
  if (!el || typeof Yasgui === "undefined") return;
  var endpoint = new URL(el.getAttribute("data-endpoint"), window.location.href).href;
  var initial = JSON.parse(document.getElementById("initial-query").textContent);
  if (Yasgui.Yasqe && Yasgui.Yasqe.defaults) {
    Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  }
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: null,
    yasqe: { autocompleters: ["variables"], value: initial }
  });
  var tab = yasgui.getTab();
  tab.setQuery(initial);
  window.yasgui = yasgui;
})();
