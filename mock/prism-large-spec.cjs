// Preloaded into Prism (NODE_OPTIONS=--require) beside prism-hardening.cjs, so that a large spec starts.
// Prism reads a spec by dereferencing every $ref (json-schema-ref-parser) and then copying the result
// into a tree (`decycle`), where only a $ref that loops back to an ancestor stays a $ref. A schema
// reached N ways is copied N times, and in a spec whose schemas refer to each other (Stripe: every
// expandable field may hold the whole referenced object) the tree has no end in practice: Stripe's
// 2.4 MB spec passed 19 million copied nodes in a minute and Prism did not answer within 300 s.
// Here a spec whose tree would exceed EXPANSION_BUDGET nodes is read another way: the schemas under
// `components/schemas` stay $refs, bundled once into each operation's `__bundled__` (converted to JSON
// Schema by http-spec as Prism's own path converts them), which Prism's validator (ajv) and its mocker
// (json-schema-faker) already follow: it is how Prism itself hands them a recursive schema. Every other
// $ref (parameters, responses, request bodies, examples) is inlined as before. A spec within the budget,
// a Swagger 2.0 or Postman document, or one with a $ref to another file takes Prism's own path unchanged.
// PRISM_EXPANSION_BUDGET overrides the budget (tests set it to 0 to force this path on a small spec).
// A limit: Prism validates a form-encoded body without `__bundled__`, so a $ref left in one would go
// unchecked on this path. Stripe's request bodies are all form-encoded and all 452 are inline (no such
// $ref), so they are checked in full.
'use strict';
const fs = require('fs');
const path = require('path');
const operationsModule = require('@stoplight/prism-http/dist/utils/operations');
const extensions = require('@stoplight/prism-cli/dist/extensions');
const { transformOas3Operations } = require('@stoplight/http-spec/oas3/operation');
const { convertToJsonSchema: convertSchema } = require('@stoplight/http-spec/oas');
const { pointerToPath } = require('@stoplight/json');
const YAML = require('js-yaml');

const DEFAULT_EXPANSION_BUDGET = 2000000; // nodes: our own specs expand to well under 100 000
const budget = Number(process.env.PRISM_EXPANSION_BUDGET || DEFAULT_EXPANSION_BUDGET);
const SCHEMAS = '#/components/schemas/';
const BUNDLED = '#/__bundled__/';

function isRef(value) {
  return value !== null && typeof value === 'object' && typeof value.$ref === 'string';
}

function readDocument(file) {
  const text = fs.readFileSync(file, 'utf8');
  return /\.json$/i.test(file) ? JSON.parse(text) : YAML.load(text);
}

// Every local $ref replaced in place by its target (shared, not copied; a loop becomes a cycle), as
// json-schema-ref-parser does, except those `keep` accepts. Throws on a $ref to another file.
function inlineRefs(root, keep) {
  const targets = new Map();
  const done = new Set();
  function target(ref) {
    if (!ref.startsWith('#')) throw new Error(`not a local $ref: ${ref}`);
    if (targets.has(ref)) return targets.get(ref);
    let node = root;
    for (const part of pointerToPath(ref)) {
      node = followed(node == null ? undefined : node[part]);
    }
    targets.set(ref, node);
    return node;
  }
  function followed(value) {
    const seen = new Set();
    while (isRef(value) && !keep(value.$ref) && !seen.has(value)) {
      seen.add(value);
      const extra = Object.keys(value).filter((key) => key !== '$ref');
      const found = target(value.$ref);
      value = extra.length && found && typeof found === 'object' ? { ...Object.fromEntries(extra.map((k) => [k, value[k]])), ...found } : found;
    }
    return value;
  }
  (function walk(node) {
    if (done.has(node)) return;
    done.add(node);
    for (const key of Object.keys(node)) {
      const value = followed(node[key]);
      if (value !== node[key]) node[key] = value;
      if (value !== null && typeof value === 'object') walk(value);
    }
  })(root);
  return root;
}

// How many nodes Prism's tree of `document` would hold, counting up to `limit` (then it stops).
function expandedSize(document, limit) {
  let count = 0;
  const onPath = new Set();
  (function visit(node) {
    if (count > limit || onPath.has(node)) return;
    count += 1;
    onPath.add(node);
    for (const value of Object.values(node)) {
      if (value !== null && typeof value === 'object') visit(value);
      if (count > limit) break;
    }
    onPath.delete(node);
  })(document);
  return count;
}

// The spec's data when it should take the bundled path; null for Prism's own path. Prism asks twice per
// start (operations, then extensions): the answer is kept per file and modification time.
const decisions = new Map();
function largeDocument(spec) {
  if (typeof spec !== 'string' || !fs.existsSync(spec)) return null;
  const key = `${spec}@${fs.statSync(spec).mtimeMs}`;
  if (!decisions.has(key)) decisions.set(key, decide(spec) ? true : false);
  return decisions.get(key) ? readDocument(spec) : null;
}

function decide(spec) {
  let counted;
  try {
    counted = inlineRefs(readDocument(spec), () => false);
  } catch (error) {
    return false; // unreadable, or a $ref to another file: Prism's own path reports or follows it
  }
  return counted !== null && typeof counted.openapi === 'string' && expandedSize(counted, budget) > budget;
}

// `node` with each $ref into components/schemas pointing into __bundled__ instead; names collects the
// schema names referred to. http-spec's $refs are getters over its own table, so they are replaced,
// never assigned to.
function rebundled(node, names, copies = new Map()) {
  if (node === null || typeof node !== 'object') return node;
  if (copies.has(node)) return copies.get(node);
  if (isRef(node) && node.$ref.startsWith(SCHEMAS)) {
    const [name] = pointerToPath(node.$ref).slice(2);
    names.add(name);
    const copy = { ...node, $ref: BUNDLED + node.$ref.slice(SCHEMAS.length) };
    copies.set(node, copy);
    return copy;
  }
  const copy = Array.isArray(node) ? [] : {};
  copies.set(node, copy);
  for (const key of Object.keys(node)) copy[key] = rebundled(node[key], names, copies);
  return copy;
}

function bundledOperations(document) {
  inlineRefs(document, (ref) => ref.startsWith(SCHEMAS));
  const raw = (document.components && document.components.schemas) || {};
  const operations = transformOas3Operations(document);
  // Each schema converted as http-spec converts an inline one; $schema stays on the operation's own.
  const schemas = new Map();
  for (const [name, schema] of Object.entries(raw)) {
    const names = new Set();
    const converted = { ...convertSchema(document, schema) };
    delete converted.$schema;
    schemas.set(name, { schema: rebundled(converted, names), names });
  }
  return operations.map((operation) => {
    const names = new Set();
    const result = rebundled(operation, names);
    const bundled = {};
    for (const name of names) {
      const entry = schemas.get(name);
      if (entry === undefined || name in bundled) continue;
      bundled[name] = entry.schema;
      for (const next of entry.names) names.add(next); // a Set visits what is added while iterating
    }
    result.__bundled__ = bundled;
    return result;
  });
}

const ownGetOperations = operationsModule.getHttpOperationsFromSpec;
operationsModule.getHttpOperationsFromSpec = async function getHttpOperationsFromSpec(spec) {
  const document = largeDocument(spec);
  if (document === null) return ownGetOperations(spec);
  process.stderr.write(`prism-large-spec: ${path.basename(spec)} would expand past ${budget} nodes; its schemas stay $refs\n`);
  return bundledOperations(document);
};

// Prism reads the spec a second time only for its top-level `x-json-schema-faker` options.
const ownConfigure = extensions.configureExtensionsUserProvided;
extensions.configureExtensionsUserProvided = function configureExtensionsUserProvided(spec, options) {
  const document = largeDocument(spec);
  if (document === null) return ownConfigure(spec, options);
  const faker = document['x-json-schema-faker'];
  return ownConfigure(faker === undefined ? {} : { 'x-json-schema-faker': faker }, options);
};

// For tests/mock/test_prism_large_spec.py: whether Prism would read `spec` the bundled way.
function takesBundledPath(spec) {
  return largeDocument(spec) !== null;
}

module.exports = { takesBundledPath };
