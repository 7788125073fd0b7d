// Claims list: a facet choice submits the (plain GET) form at once, so the URL always
// carries the filters; without JavaScript the Filter button does the same.
"use strict";
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  form.querySelectorAll("select.facet").forEach(function (select) {
    select.addEventListener("change", function () {
      // Empty fields are left out of the URL, so shared links stay short.
      form.querySelectorAll("select, input").forEach(function (f) { f.disabled = !f.value; });
      form.submit();
    });
  });
})();
