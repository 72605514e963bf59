// A tiny HTTP server that fails the way a Prism bug would, for the hardening preload's request guard
// (tests/mock/test_prism_guard.py). Run: node --require mock/prism-hardening.cjs failing_server.cjs PORT
//   GET /reject  an async step rejects and nobody handles it (Prism's validator throwing in a promise)
//   GET /throw   a timer callback throws
//   GET /ok      answers 200
// With `--fail-at-start` it rejects outside any request instead, which must still end the process.
'use strict';
const http = require('http');

if (process.argv.includes('--fail-at-start')) {
  Promise.reject(new Error('cannot load the spec'));
} else {
  const port = Number(process.argv[2]);
  http
    .createServer((request, response) => {
      if (request.url === '/reject') {
        Promise.resolve().then(() => {
          decodeURIComponent('a%');
        });
      } else if (request.url === '/throw') {
        setTimeout(() => {
          throw new TypeError('a timer failed');
        }, 1);
      } else {
        response.end('ok');
      }
    })
    .listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
}
