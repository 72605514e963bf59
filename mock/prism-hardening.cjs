// Preloaded into Prism (NODE_OPTIONS=--require) so that fuzzed requests get an error answer instead of
// killing or hanging the mock. Prism 5 fails on three kinds of input our own schemathesis runs produce:
//  1. a multipart/form-data part without the headers parse-multipart-data expects: its parser throws a
//     TypeError outside Prism's error handling. Here a part that cannot be parsed makes the body empty,
//     so Prism's validator answers 422 (required fields missing) as it would for any bad body.
//  2. a JSON body that does not parse: micri's json() rejects, and Prism then waits for the request's
//     'end' event, which has already fired, so the request hangs until the client gives up. Here such a
//     body reaches Prism's validator as text, which answers 4xx like for any body of the wrong type.
//  3. non-Latin-1 text reaching a response header (Prism copies request values into `sl-violations`):
//     Node's setHeader throws ERR_INVALID_CHAR. Here such values are percent-encoded instead.
// Everything else is untouched. The test fixture also checks that Prism is still alive after a run.
'use strict';
const Module = require('module');
const http = require('http');

const originalLoad = Module._load;
const hardenedMicri = new WeakSet();
Module._load = function load(request, parent, isMain) {
  const exported = originalLoad.apply(this, arguments);
  if (request === 'micri' && exported && !hardenedMicri.has(exported)) {
    const text = exported.text;
    const json = (req, options) =>
      text(req, options).then((body) => {
        try {
          return JSON.parse(body);
        } catch (error) {
          return body;
        }
      });
    // micri's exports are non-configurable getters, so wrap rather than assign.
    const proxy = new Proxy(exported, {
      get(target, property, receiver) {
        return property === 'json' ? json : Reflect.get(target, property, receiver);
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
        try {
          return parse.call(exported, body, boundary);
        } catch (error) {
          return [];
        }
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
const setHeader = http.ServerResponse.prototype.setHeader;
http.ServerResponse.prototype.setHeader = function hardenedSetHeader(name, value) {
  return setHeader.call(this, name, safeHeaderValue(value));
};
