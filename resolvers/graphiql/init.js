// GraphiQL on /graphql, served from the binary (no CDN) under a content
// security policy without inline scripts: this file is the page's only code.
// Put `{"Authorization": "Bearer <accessToken from login>"}` in the headers tab.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery:
        '# Sign in, then put {"Authorization": "Bearer <accessToken>"} in Headers below.\n' +
        'mutation Login {\n  login(input: {username: "clerk", password: "hukou-demo-2026"}) { accessToken }\n}\n',
    }),
  );
})();
