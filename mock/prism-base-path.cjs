// Preloaded into Prism (NODE_OPTIONS=--require) beside prism-hardening.cjs. Prism ignores the path of a
// spec's server URLs by design (its FAQ), so a client given the documented base URL, such as
// http://host/api/v1, gets 404 for every call. PRISM_BASE_PATHS, which mock/prism.py fills from the
// spec's `servers`, lists those paths (comma-separated); a request below one of them reaches Prism with
// the base path removed. The mock then answers at /api/v1/batches as at /batches.
'use strict';
const http = require('http');

const basePaths = (process.env.PRISM_BASE_PATHS || '')
  .split(',')
  .filter((path) => path.startsWith('/') && path.length > 1);

function withoutBasePath(url) {
  for (const base of basePaths) {
    if (url === base || url.startsWith(base + '/') || url.startsWith(base + '?')) {
      const rest = url.slice(base.length);
      return rest.startsWith('/') ? rest : '/' + rest;
    }
  }
  return url;
}

if (basePaths.length > 0) {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitBelowBasePath(event, request, ...rest) {
    if (event === 'request' && request && typeof request.url === 'string') {
      request.url = withoutBasePath(request.url);
    }
    return emit.call(this, event, request, ...rest);
  };
}
