// Preloaded into Prism (NODE_OPTIONS=--require) so that fuzzed requests get an error answer instead of
// killing the mock. Prism 5 dies on two kinds of input our own schemathesis runs produce:
//  1. a multipart/form-data part without the headers parse-multipart-data expects: its parser throws a
//     TypeError outside Prism's error handling. Here a part that cannot be parsed makes the body empty,
//     so Prism's validator answers 422 (required fields missing) as it would for any bad body.
//  2. non-Latin-1 text reaching a response header (Prism copies request values into `sl-violations`):
//     Node's setHeader throws ERR_INVALID_CHAR. Here such values are percent-encoded instead.
// Everything else is untouched. The test fixture also checks that Prism is still alive after a run.
'use strict';
const Module = require('module');
const http = require('http');

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const exported = originalLoad.apply(this, arguments);
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
