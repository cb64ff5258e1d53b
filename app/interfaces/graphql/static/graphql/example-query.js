// Open GraphiQL on μblog's example query instead of its stock welcome text. graphene-django's
// start-up script (loaded next) takes the query from the URL fragment, so put it there when the
// URL names none; a shared link with its own #query=... is left as it is.
(function () {
  var example = document.getElementById("editor").dataset.exampleQuery;
  if (example && !/(^#|&)query=/.test(location.hash)) {
    history.replaceState(null, "", "#query=" + encodeURIComponent(example));
  }
})();
