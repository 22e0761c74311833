#!/usr/bin/env node
// Makes docs pages from an OpenAPI spec with docusaurus-plugin-openapi-docs'
// own `gen-api-docs` action, the way SailPoint's docs site runs it, without a
// Docusaurus site. Run by `cargo xtask refresh` (xtask/src/refresh.rs), which
// installs the plugin (package.json beside this file) and reads the result.
//
// usage: node driver.js REQUEST.json
//   REQUEST: {"installDir": folder whose node_modules holds the plugin,
//             "spec": the spec file, "siteDir": an empty folder to work in
//             (the pages land in its docs/api/), "template": the frontmatter
//             template, "resultFile": where to write the result,
//             "downloadUrl": the spec's URL for the info page (optional)}
// The result (JSON): {"pages": [{id, method, path, operationId}],
//   "failures": [{operation, page, message}], "errors": [...], "warnings": [...],
//   "logged": N}. The exit status is 0 when there are no failures, 1 otherwise;
// 3 when the plugin cannot be loaded at all.
"use strict";

const fs = require("fs");
const path = require("path");

const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const result = { pages: [], failures: [], errors: [], warnings: [], logged: 0 };

// What the plugin prints: "Successfully created" lines are counted, errors
// and warnings kept for the report (without colour codes).
const plain = (args) =>
  args
    .map((a) => (a instanceof Error ? a.message : String(a)))
    .join(" ")
    .replace(/\u001b\[[0-9;]*m/g, "");
console.log = () => {
  result.logged += 1;
};
console.info = console.log;
console.error = (...args) => result.errors.push(plain(args));
console.warn = (...args) => result.warnings.push(plain(args));

function finish(code) {
  fs.writeFileSync(request.resultFile, JSON.stringify(result));
  process.exit(code);
}

const req = (m) => require(require.resolve(m, { paths: [request.installDir] }));
let pluginMod, markdown, openapi, utils, normalizePluginOptions;
try {
  pluginMod = req("docusaurus-plugin-openapi-docs");
  markdown = req("docusaurus-plugin-openapi-docs/lib/markdown");
  utils = req("docusaurus-plugin-openapi-docs/lib/markdown/utils");
  openapi = req("docusaurus-plugin-openapi-docs/lib/openapi");
  ({ normalizePluginOptions } = req("@docusaurus/utils-validation"));
} catch (e) {
  result.failures.push({ message: `cannot load the plugin from ${request.installDir}: ${e.message}` });
  finish(3);
}
const plugin = pluginMod.default || pluginMod;

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const describe = (item) => ({
  method: item.api && item.api.method,
  path: item.api && item.api.path,
  operationId: item.api && item.api.operationId,
});

// The set's options as SailPoint's site gives them for its API docs.
const set = {
  specPath: request.spec,
  outputDir: "docs/api/",
  baseUrl: "/docs/api",
  sidebarOptions: { groupPathsBy: "tag", categoryLinkSource: "tag" },
  template: request.template,
};
// The site links the info page to the spec's release asset.
if (request.downloadUrl) set.downloadUrl = request.downloadUrl;

// The page generators are the plugin's own, watched: an operation whose page
// body cannot be made is named, and every API page made is recorded.
const seen = [];
function watched(kind, generate) {
  return (item) => {
    try {
      const body = generate(item);
      if (kind === "api") seen.push(item);
      return body;
    } catch (e) {
      result.failures.push({
        operation: kind === "api" ? describe(item) : undefined,
        page: `${item.id}.${kind}.mdx`,
        message: e && e.message ? e.message : String(e),
      });
      throw e;
    }
  };
}
set.markdownGenerators = {
  createApiPageMD: watched("api", markdown.createApiPageMD),
  createInfoPageMD: watched("info", markdown.createInfoPageMD),
  createTagPageMD: watched("tag", markdown.createTagPageMD),
};

// A page body that throws rejects a promise the plugin does not await.
process.on("unhandledRejection", (e) => {
  const message = e && e.message ? e.message : String(e);
  if (!result.failures.some((f) => f.message === message)) result.failures.push({ message });
});

// One operation's failure, found by making pages from parts of the spec: the
// operations the plugin fails on alone (at most `limit` of them).
async function findCulprits(pluginOptions, limit) {
  let files;
  try {
    files = await openapi.readOpenapiFiles(request.spec);
  } catch (e) {
    return { scope: "spec", message: e.message };
  }
  const data = files[0] && files[0].data;
  if (!data || typeof data !== "object" || !data.paths) return { scope: "spec" };
  const ops = [];
  for (const [p, item] of Object.entries(data.paths)) {
    for (const m of Object.keys(item || {})) {
      if (HTTP_METHODS.includes(m.toLowerCase())) ops.push({ path: p, method: m });
    }
  }
  async function failure(subset) {
    const paths = {};
    for (const { path: p, method: m } of subset) {
      if (!paths[p]) {
        const { get, put, post, delete: del, options, head, patch, trace, ...shared } = data.paths[p];
        paths[p] = structuredClone(shared);
      }
      paths[p][m] = structuredClone(data.paths[p][m]);
    }
    const part = { ...structuredClone({ ...data, paths: {} }), paths };
    try {
      const [items] = await openapi.processOpenapiFiles(
        [{ source: request.spec, sourceDirName: ".", data: part }],
        pluginOptions,
        set.sidebarOptions,
      );
      for (const item of items) {
        const generate = { api: markdown.createApiPageMD, info: markdown.createInfoPageMD, tag: markdown.createTagPageMD }[item.type];
        if (generate) utils.runWithExternalization(item.id, () => generate(item));
      }
      return null;
    } catch (e) {
      return e && e.message ? e.message : String(e);
    }
  }
  const outside = await failure([]);
  if (outside) return { scope: "outside operations", message: outside };
  if (!(await failure(ops))) return { scope: "not reproduced" };
  const culprits = [];
  async function bisect(subset, message) {
    if (culprits.length >= limit) return;
    if (subset.length === 1) {
      const op = data.paths[subset[0].path][subset[0].method];
      culprits.push({
        operation: { method: subset[0].method, path: subset[0].path, operationId: op && op.operationId },
        message,
      });
      return;
    }
    const half = subset.length >> 1;
    const parts = [subset.slice(0, half), subset.slice(half)];
    const messages = [];
    for (const part of parts) messages.push(await failure(part));
    if (!messages[0] && !messages[1]) {
      culprits.push({ operations: subset.map((o) => `${o.method.toUpperCase()} ${o.path}`), message });
      return;
    }
    for (let i = 0; i < 2; i++) if (messages[i]) await bisect(parts[i], messages[i]);
  }
  await bisect(ops, null);
  return { scope: "operations", culprits };
}

(async () => {
  process.chdir(request.siteDir);
  const pluginOptions = plugin.validateOptions({
    options: { id: "api", docsPluginId: "classic", config: { set } },
    validate: normalizePluginOptions,
  });
  const instance = plugin(
    {
      siteDir: request.siteDir,
      siteConfig: {
        presets: [["classic", { docs: { path: "docs", routeBasePath: "docs" } }]],
        plugins: [["docusaurus-plugin-openapi-docs", pluginOptions]],
      },
    },
    pluginOptions,
  );
  const actions = {};
  const command = (name) => {
    const c = {
      description: () => c,
      usage: () => c,
      arguments: () => c,
      option: () => c,
      action: (fn) => {
        actions[name] = fn;
        return c;
      },
    };
    return c;
  };
  instance.extendCli({ command });
  try {
    await actions["gen-api-docs"]("set", { opts: () => ({ pluginId: "api" }) });
  } catch (e) {
    const message = e && e.message ? e.message : String(e);
    const found = await findCulprits(pluginOptions.config.set, 10);
    if (found.culprits && found.culprits.length) {
      for (const c of found.culprits) result.failures.push({ ...c, message: c.message || message });
    } else {
      result.failures.push({ message: found.message || message, scope: found.scope });
    }
  }
  // Let the rejections of page bodies that threw surface.
  await new Promise((resolve) => setImmediate(resolve));

  // Operations that silently got no page: two with one page id (the plugin
  // keeps the first), none at all (no operationId and no summary), a write
  // that failed.
  const outDir = path.join(request.siteDir, "docs/api");
  const byId = new Map();
  for (const item of seen) {
    const op = describe(item);
    result.pages.push({ id: item.id, ...op });
    if (!item.id) {
      result.failures.push({ operation: op, message: "the operation has neither an operationId nor a summary, so the plugin gives it no page" });
      continue;
    }
    const other = byId.get(item.id);
    if (other) {
      result.failures.push({
        operation: op,
        page: `${item.id}.api.mdx`,
        message: `${other.method.toUpperCase()} ${other.path} has the same page id, and the plugin writes only one of the two pages`,
      });
      continue;
    }
    byId.set(item.id, op);
    if (!fs.existsSync(path.join(outDir, `${item.id}.api.mdx`))) {
      result.failures.push({ operation: op, page: `${item.id}.api.mdx`, message: "the plugin wrote no page" });
    }
  }
  finish(result.failures.length ? 1 : 0);
})().catch((e) => {
  result.failures.push({ message: e && e.stack ? e.stack : String(e) });
  finish(1);
});
