// Preloaded into Prism (NODE_OPTIONS=--require) so that fuzzed requests get an error answer instead of
// killing or hanging the mock, and so that a request that fails validation is told what failed.
// Prism 5 fails on these inputs, which our own schemathesis runs and users produce:
//  1. a multipart/form-data part without the headers parse-multipart-data expects: its parser throws a
//     TypeError outside Prism's error handling. Here a part that cannot be parsed makes the body empty,
//     so Prism's validator answers 422 (required fields missing) as it would for any bad body.
//  2. a JSON body that does not parse: micri's json() rejects, and Prism then waits for the request's
//     'end' event, which has already fired, so the request hangs until the client gives up. Here such a
//     body reaches Prism's validator as text, which answers 4xx like for any body of the wrong type.
//  3. non-Latin-1 text reaching a response header (Prism copies request values into `sl-violations`):
//     Node's setHeader throws ERR_INVALID_CHAR. Here such values are percent-encoded instead.
//  4. a form field or multipart part whose name holds a broken percent escape (`name="a%"`): Prism's
//     body validator calls decodeURIComponent on it outside its try and the URIError kills the process.
//     Here such a name has its `%` escaped, so it decodes to the name as sent and is validated as such.
//  5. anything else thrown while Prism handles a request: each request runs in an AsyncLocalStorage
//     context, and an exception or rejection from that context answers that request with a 400 in the
//     API's error shape instead of ending the process. Errors outside any request still end it.
// Prism answers a request that fails validation with the spec's canned 400/422 example, which names
// fields that were never sent; the real violations are only in its `sl-violations` header. Here that
// body is rebuilt from the violations, in the shape the spec documents (prism-error-body.cjs, with the
// shape mock/error_shape.py hands over in PRISM_ERROR_SHAPE).
// Everything else is untouched. The test fixture also checks that Prism is still alive after a run.
'use strict';
const Module = require('module');
const http = require('http');
const { AsyncLocalStorage } = require('async_hooks');
const { errorBody, parseViolations, requestErrors } = require('./prism-error-body.cjs');

const SHAPE = readShape(process.env.PRISM_ERROR_SHAPE);

function readShape(value) {
  if (!value) return null;
  try {
    return JSON.parse(value);
  } catch (error) {
    process.stderr.write(`prism-hardening: PRISM_ERROR_SHAPE is not JSON (${error.message}); 4xx bodies stay canned\n`);
    return null;
  }
}

// A name decodeURIComponent rejects (a stray `%`, or an escape that is not UTF-8) gets every `%`
// escaped, so it decodes to exactly the text that was sent.
function decodableName(name) {
  if (typeof name !== 'string') return name;
  try {
    decodeURIComponent(name);
    return name;
  } catch (error) {
    return name.replace(/%/g, '%25');
  }
}

function decodableFormKeys(body) {
  return body
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals < 0 ? decodableName(pair) : decodableName(pair.slice(0, equals)) + pair.slice(equals);
    })
    .join('&');
}

function isForm(request) {
  return /^application\/x-www-form-urlencoded\b/i.test(String(request.headers['content-type'] || ''));
}

const originalLoad = Module._load;
const hardenedMicri = new WeakSet();
Module._load = function load(request, parent, isMain) {
  const exported = originalLoad.apply(this, arguments);
  if (request === 'micri' && exported && !hardenedMicri.has(exported)) {
    const originalText = exported.text;
    const text = (req, options) => originalText(req, options).then((body) => (isForm(req) ? decodableFormKeys(body) : body));
    const json = (req, options) =>
      originalText(req, options).then((body) => {
        try {
          return JSON.parse(body);
        } catch (error) {
          return body;
        }
      });
    // micri's exports are non-configurable getters, so wrap rather than assign.
    const replaced = { json, text };
    const proxy = new Proxy(exported, {
      get(target, property, receiver) {
        return Object.hasOwn(replaced, property) ? replaced[property] : Reflect.get(target, property, receiver);
      },
    });
    hardenedMicri.add(proxy);
    return proxy;
  }
  if (request === 'parse-multipart-data' && exported && !exported.__hardened) {
    const parse = exported.parse;
    const hardened = Object.assign({}, exported, {
      __hardened: true,
      parse(body, boundary) {
        let parts;
        try {
          parts = parse.call(exported, body, boundary);
        } catch (error) {
          return [];
        }
        return parts.map((part) => (part && 'name' in part ? { ...part, name: decodableName(part.name) } : part));
      },
    });
    return hardened;
  }
  return exported;
};

// Header values must be printable; anything else is percent-encoded as UTF-8 (never throws, even on
// lone surrogates, which Buffer turns into U+FFFD).
const UNSAFE = /[^\t\x20-\x7e]/g;
function percentEncode(ch) {
  return Array.from(Buffer.from(ch, 'utf8'), (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
}
function safeHeaderValue(value) {
  if (typeof value === 'string') {
    return value.replace(UNSAFE, percentEncode);
  }
  if (Array.isArray(value)) {
    return value.map(safeHeaderValue);
  }
  return value;
}
const VIOLATIONS = Symbol('sl-violations as Prism wrote them');
const setHeader = http.ServerResponse.prototype.setHeader;
http.ServerResponse.prototype.setHeader = function hardenedSetHeader(name, value) {
  if (String(name).toLowerCase() === 'sl-violations') {
    this[VIOLATIONS] = value;
  }
  return setHeader.call(this, name, safeHeaderValue(value));
};

function requestPath(response) {
  const url = response.req && typeof response.req.url === 'string' ? response.req.url : '';
  return url.split('?')[0];
}

function parsedJson(chunk) {
  try {
    return JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
  } catch (error) {
    return null;
  }
}

// A 400/422 that Prism chose because the request broke the spec: its canned example is rebuilt from
// the violations. Other answers (a documented 422 asked for with `Prefer: code=422`) are left alone.
const REWRITTEN_STATUSES = new Set([400, 422]);
// In proxy mode (the living mock, mock/living_mock.py) Prism refuses an invalid request with its own
// generic 422 problem, the violations in its `validation` member and no sl-violations header. The
// living mock's front names the status the operation documents in `x-mock-invalid-status`; that
// answer is rebuilt in the API's shape like a mock-mode one (its template is the documented example).
const PROXY_STATUS = 'x-mock-invalid-status';
function proxyRefusal(response, chunk) {
  const wanted = response.req && Number(response.req.headers[PROXY_STATUS]);
  if (!REWRITTEN_STATUSES.has(wanted) || response.statusCode !== 422 || typeof chunk === 'function') return null;
  const problem = chunk === undefined ? null : parsedJson(chunk);
  if (!problem || !/#UNPROCESSABLE_ENTITY$/.test(String(problem.type)) || !Array.isArray(problem.validation)) return null;
  return { status: wanted, violations: problem.validation.map((v) => ({ ...v, location: ['request', ...(v.location || [])] })) };
}
const end = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function endWithViolations(chunk, encoding, callback) {
  const refusal = SHAPE === null || this.headersSent ? null : proxyRefusal(this, chunk);
  if (refusal !== null) {
    this.statusCode = refusal.status;
    this[VIOLATIONS] = JSON.stringify(refusal.violations);
    chunk = undefined;
  }
  if (SHAPE === null || this.headersSent || !REWRITTEN_STATUSES.has(this.statusCode) || !this[VIOLATIONS]) {
    return end.apply(this, arguments);
  }
  const violations = requestErrors(parseViolations(this[VIOLATIONS]));
  if (violations.length === 0) {
    return end.apply(this, arguments);
  }
  const template = chunk === undefined || typeof chunk === 'function' ? null : parsedJson(chunk);
  const body = JSON.stringify(errorBody(SHAPE, { status: this.statusCode, violations, path: requestPath(this), template }));
  if (template === null && SHAPE.content_type) {
    setHeader.call(this, 'Content-Type', SHAPE.content_type);
  }
  setHeader.call(this, 'Content-Length', Buffer.byteLength(body));
  const done = typeof chunk === 'function' ? chunk : typeof encoding === 'function' ? encoding : callback;
  return end.call(this, body, 'utf8', done);
};

// The request guard (5): each request's handling runs in its own context, so a failure can be answered.
const requests = new AsyncLocalStorage();
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitInRequestContext(event, request, response) {
  if (event !== 'request') {
    return emit.apply(this, arguments);
  }
  return requests.run({ response }, () => emit.apply(this, arguments));
};

function answerFailedRequest(error) {
  const context = requests.getStore();
  if (!context) {
    return false;
  }
  const { response } = context;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`prism-hardening: a request failed inside Prism and got a 400: ${error && error.stack ? error.stack : reason}\n`);
  if (response.headersSent || response.writableEnded) {
    response.destroy();
    return true;
  }
  const message = `the mock could not process this request (${reason})`;
  const violation = { location: ['request'], severity: 'Error', code: 'unprocessable', message };
  const body = SHAPE
    ? errorBody(SHAPE, { status: 400, violations: [violation], path: requestPath(response), template: null })
    : { type: 'about:blank', title: 'Bad Request', status: 400, detail: `The ${message}.` };
  const text = JSON.stringify(body);
  response.statusCode = 400;
  setHeader.call(response, 'Content-Type', (SHAPE && SHAPE.content_type) || 'application/problem+json');
  setHeader.call(response, 'Content-Length', Buffer.byteLength(text));
  end.call(response, text);
  return true;
}

process.on('uncaughtException', (error) => {
  if (!answerFailedRequest(error)) {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  }
});
process.on('unhandledRejection', (reason) => {
  if (!answerFailedRequest(reason)) {
    process.stderr.write(`${reason && reason.stack ? reason.stack : reason}\n`);
    process.exit(1);
  }
});
