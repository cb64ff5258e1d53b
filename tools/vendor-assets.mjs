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
  "vue.global.prod.js": "vue/dist/vue.global.prod.js",
  "axios.min.js": "axios/dist/axios.min.js",
};

// The source maps are not shipped; a dangling sourceMappingURL would make collectstatic's
// manifest storage fail, so the reference goes too.
const sourceMap = /\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+ \*\/)\s*$/;

mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(files)) {
  const text = readFileSync(join(root, "node_modules", source), "utf8");
  writeFileSync(join(target, name), text.replace(sourceMap, "").trimEnd() + "\n");
  console.log(`${source} -> app/interfaces/web/static/web/vendor/${name}`);
}
for (const name of ["bootstrap", "vue", "axios"]) {
  copyFileSync(join(root, "node_modules", name, "LICENSE"), join(target, `LICENSE.${name}`));
}
