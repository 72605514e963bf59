// The body of a 4xx answer that names the request's actual violations, in the error shape the spec
// documents for its API. Pure functions; prism-hardening.cjs calls them.
//
// The shape is decided in Python (mock/error_shape.py) and handed over as JSON in PRISM_ERROR_SHAPE:
//   templates  {status: body}   the spec's documented error example per status (used when Prism's own
//                               answer is not a JSON object, e.g. for the request guard)
//   content_type                the documented media type of those examples
//   text       [{member, max_length}]   members that get the summary of the violations (a problem
//                               document's `detail`, an envelope's `message`, and extension members the
//                               example fills with the same text)
//   instance   {member, max_length} | null   the member that names the request path
//   list       {member, field, message, code, max_items, field_max_length, message_max_length} | null
//                               an array of field errors (`errors: [{field, message}]`)
//   map        {member, message, code, max_keys, max_items, message_max_length} | null
//                               field errors keyed by field (`errorDetails: {name: [{message}]}`)
// Without a shape (a spec that documents no 400/422) nothing is rewritten: Prism's own 422 already
// lists the violations.
'use strict';

// Text longer than the schema's maxLength is cut, ending in an ellipsis; no maxLength, no cut.
function clip(text, maxLength) {
  return !maxLength || text.length <= maxLength ? text : text.slice(0, Math.max(0, maxLength - 1)) + '\u2026';
}

function pointer(path) {
  return path.length ? '/' + path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/') : '';
}

// Prism's message repeats where the violation is ("Request query parameter days must be integer"); the
// field error keeps only what is wrong ("must be integer").
function ownMessage(where, path, message) {
  const pathType = path.length ? (where === 'body' ? 'property ' : 'parameter ') : '';
  const prefix = `Request ${where} ${pathType}${path.join('.')}${path.length ? ' ' : ''}`;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message.replace(/^Request /, '');
}

// A violation a property names that is not in its path yet: the missing one, or the one not allowed.
function namedProperty(message) {
  const match = /required property '([^']*)'|found '([^']*)'/.exec(message);
  return match ? match[1] ?? match[2] : null;
}

/** The violations that make a request invalid: errors (not warnings) about the request, not the response. */
function requestErrors(violations) {
  if (!Array.isArray(violations)) return [];
  return violations.filter((v) => v && Array.isArray(v.location) && v.location[0] === 'request' && v.severity === 'Error');
}

/** Prism's violations (the sl-violations list) as {where, path, field, pointer, message, code}. */
function describeViolations(violations) {
  return requestErrors(violations).map((v) => {
    const where = String(v.location[1] ?? 'request');
    const path = v.location.slice(2).map(String);
    const message = ownMessage(where, path, String(v.message ?? ''));
    const extra = namedProperty(message);
    const full = extra === null ? path : [...path, extra];
    const field = where === 'body' ? full.join('.') || 'body' : full.join('.') || where;
    return { where, path: full, field, pointer: pointer(full), message, code: String(v.code ?? '') };
  });
}

function locate(violation) {
  if (violation.where === 'body') {
    return violation.pointer ? `body ${violation.pointer}` : 'body';
  }
  if (['query', 'path', 'header', 'cookie'].includes(violation.where)) {
    return `${violation.where} parameter ${violation.field}`;
  }
  return violation.where;
}

/** One sentence listing every violation with its location, JSON pointer or parameter, and message. */
function summary(described) {
  const count = described.length === 1 ? 'One request value is' : `${described.length} request values are`;
  return `${count} invalid: ` + described.map((v) => `${locate(v)}: ${v.message}`).join('; ') + '.';
}

function listEntry(spec, violation) {
  const entry = {};
  entry[spec.field] = clip(violation.field, spec.field_max_length);
  entry[spec.message] = clip(violation.message, spec.message_max_length);
  if (spec.code) {
    entry[spec.code] = violation.code;
  }
  return entry;
}

function mapEntries(spec, described) {
  const entries = {};
  for (const violation of described) {
    const key = violation.field;
    if (!(key in entries)) {
      if (Object.keys(entries).length >= (spec.max_keys || 100)) continue;
      entries[key] = [];
    }
    if (entries[key].length >= (spec.max_items || 20)) continue;
    const item = { [spec.message]: clip(violation.message, spec.message_max_length) };
    if (spec.code) {
      item[spec.code] = violation.code;
    }
    entries[key].push(item);
  }
  return entries;
}

/**
 * The error body for `status` naming `violations`, built on `template` (Prism's canned answer when it
 * is a JSON object, else the spec's documented example for the status).
 */
function errorBody(shape, { status, violations, path, template }) {
  const base = template && typeof template === 'object' && !Array.isArray(template)
    ? template
    : shape.templates[String(status)] || Object.values(shape.templates)[0] || {};
  const body = JSON.parse(JSON.stringify(base));
  const described = describeViolations(violations);
  const text = summary(described);
  for (const member of shape.text) {
    body[member.member] = clip(text, member.max_length);
  }
  if (shape.instance && typeof path === 'string') {
    body[shape.instance.member] = clip(path, shape.instance.max_length);
  }
  if (shape.list) {
    body[shape.list.member] = described.slice(0, shape.list.max_items || 100).map((v) => listEntry(shape.list, v));
  }
  if (shape.map) {
    body[shape.map.member] = mapEntries(shape.map, described);
  }
  return body;
}

/** The violations in an sl-violations value; one cut short by Prism ("Too many violations! [...") keeps its whole items. */
function parseViolations(value) {
  if (typeof value !== 'string') return [];
  const list = value.startsWith('Too many violations! ') ? value.slice('Too many violations! '.length) : value;
  try {
    return JSON.parse(list);
  } catch (error) {
    const cut = list.lastIndexOf(',{"location":');
    try {
      return cut > 0 ? JSON.parse(list.slice(0, cut) + ']') : [];
    } catch (again) {
      return [];
    }
  }
}

module.exports = { describeViolations, errorBody, parseViolations, requestErrors, summary };
