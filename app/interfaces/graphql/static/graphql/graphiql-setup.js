// μblog's start-up for GraphiQL, run before graphene-django's own script (graphiql.js).
// It is a file, not an inline <script>, because the Content-Security-Policy runs no inline
// script (docs/security.md): what the view decides comes in this tag's data- attributes.
(function () {
  var data = document.currentScript.dataset;
  // graphene-django's script reads its options from this global.
  window.GRAPHENE_SETTINGS = {
    subscriptionPath: data.subscriptionPath || undefined,
    graphiqlHeaderEditorEnabled: data.headerEditorEnabled === "true",
    graphiqlShouldPersistHeaders: data.shouldPersistHeaders === "true",
    graphiqlInputValueDeprecation: data.inputValueDeprecation === "true",
  };

  // Open GraphiQL on μblog's example query instead of its stock welcome text. graphene-django's
  // script takes the query from the URL fragment, so put it there when the URL names none; a
  // shared link with its own #query=... is left as it is.
  var example = document.getElementById("editor").dataset.exampleQuery;
  if (example && !/(^#|&)query=/.test(location.hash)) {
    history.replaceState(null, "", "#query=" + encodeURIComponent(example));
  }
})();
