// Converts one Swagger 2.0 document to OpenAPI 3.0 with the pinned swagger2openapi (generator/swagger2.py runs it).
// stdin: the document as JSON (Python has already parsed the YAML or JSON file, so both read the same data).
// stdout: {"openapi": <the 3.0 document>, "patches": <count of invalid Swagger 2.0 constructs it repaired>}.
// Lossy conversions are not thrown: warnOnly marks each container with `x-s2o-warning`, which the Python side
// turns into a finding with its pointer. Anything else swagger2openapi refuses exits 1 with its one-line message.
'use strict';
const converter = require('swagger2openapi');

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { text += chunk; });
process.stdin.on('end', () => {
  // patch: repair what swagger2openapi knows how to repair losslessly (a missing response description, ...);
  // resolve: false, so no $ref is followed to a file or URL (the generator refuses those itself).
  const options = { patch: true, warnOnly: true, resolve: false, resolveInternal: false };
  converter.convertObj(JSON.parse(text), options)
    .then((result) => {
      process.stdout.write(JSON.stringify({ openapi: result.openapi, patches: result.patches || 0 }));
    })
    .catch((error) => {
      process.stderr.write(String(error && error.message ? error.message : error).split('\n')[0] + '\n');
      process.exitCode = 1;
    });
});
