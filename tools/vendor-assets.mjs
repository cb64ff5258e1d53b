// Copy the front-end files the web pages load from node_modules into the app's static folder.
// They are committed, so running μblog needs no Node and no CDN; `npm ci && npm run vendor`
// refreshes them after a version bump in package.json (a test compares them to package-lock.json).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "app/interfaces/web/static/web/vendor");

const files = {
  "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
  "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
  // Runtime only: no template compiler, which needs eval (forbidden by the CSP); the like
  // button has a render function instead.
  "vue.runtime.global.prod.js": "vue/dist/vue.runtime.global.prod.js",
  "axios.min.js": "axios/dist/axios.min.js",
};

// The source maps are not shipped; a dangling sourceMappingURL would make collectstatic's
// manifest storage fail, so the reference goes too.
const sourceMap = /\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+? ?\*\/)\s*$/;

mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(files)) {
  const text = readFileSync(join(root, "node_modules", source), "utf8");
  writeFileSync(join(target, name), text.replace(sourceMap, "").trimEnd() + "\n");
  console.log(`${source} -> app/interfaces/web/static/web/vendor/${name}`);
}
for (const name of ["bootstrap", "vue", "axios"]) {
  copyFileSync(join(root, "node_modules", name, "LICENSE"), join(target, `LICENSE.${name}`));
}

// GraphiQL, at the versions graphene-django's GraphQLView would fetch from its CDN; the GraphQL
// interface serves these copies instead (interfaces/graphql/templates/graphql/graphiql.html).
// versions.json records what was copied, so a test can hold it against package-lock.json and
// against the versions graphene-django expects.
const graphiqlTarget = join(root, "app/interfaces/graphql/static/graphql/vendor");
const graphiqlFiles = {
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphql-ws.min.js": "graphql-ws/umd/graphql-ws.min.js",
  "graphiql-plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/graphiql-plugin-explorer.umd.js",
  "graphiql-plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
};
const graphiqlLicenses = {
  graphiql: "LICENSE",
  react: "LICENSE",
  "react-dom": "LICENSE",
  "graphql-ws": "LICENSE.md",
  // @graphiql/plugin-explorer ships no LICENSE file; its package.json says MIT.
};
const graphiqlPackages = ["graphiql", "react", "react-dom", "graphql-ws", "@graphiql/plugin-explorer"];

mkdirSync(graphiqlTarget, { recursive: true });
for (const [name, source] of Object.entries(graphiqlFiles)) {
  const text = readFileSync(join(root, "node_modules", source), "utf8");
  writeFileSync(join(graphiqlTarget, name), text.replace(sourceMap, "").trimEnd() + "\n");
  console.log(`${source} -> app/interfaces/graphql/static/graphql/vendor/${name}`);
}
for (const [name, license] of Object.entries(graphiqlLicenses)) {
  copyFileSync(join(root, "node_modules", name, license), join(graphiqlTarget, `LICENSE.${name}`));
}
const versions = Object.fromEntries(
  graphiqlPackages.map((name) => {
    const manifest = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json")));
    return [name, manifest.version];
  }),
);
writeFileSync(join(graphiqlTarget, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
