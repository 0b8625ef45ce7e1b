// Reads a WARC file with warcio.js (an independent reader) and checks every record's digests.
//   node warcio_check.cjs WARCIO_MODULE_DIR FILE
// Prints {"records": n, "types": {...}, "errors": [...]} and exits 1 when any check failed.
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');
const { WARCParser } = require(path.resolve(process.argv[2]));

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf) {
  let bits = 0, value = 0, out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += ALPHABET[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}
const sha1 = (buf) => 'sha1:' + base32(crypto.createHash('sha1').update(buf).digest());

(async () => {
  const parser = new WARCParser(fs.createReadStream(process.argv[3]), { parseHttp: false });
  const types = {};
  const errors = [];
  let records = 0;
  for await (const record of parser) {
    records++;
    const type = record.warcType;
    types[type] = (types[type] || 0) + 1;
    const block = Buffer.from(await record.readFully(false));
    const where = `record ${records} (${type} ${record.warcTargetURI || ''})`;
    if (block.length !== record.warcContentLength) errors.push(`${where}: block length`);
    const blockDigest = record.warcBlockDigest;
    if (!blockDigest) errors.push(`${where}: no WARC-Block-Digest`);
    else if (blockDigest !== sha1(block)) errors.push(`${where}: WARC-Block-Digest mismatch`);
    const payloadDigest = record.warcPayloadDigest;
    if (type === 'response' && !payloadDigest) errors.push(`${where}: no WARC-Payload-Digest`);
    if (payloadDigest) {
      const end = block.indexOf('\r\n\r\n');
      if (end < 0 || payloadDigest !== sha1(block.subarray(end + 4))) {
        errors.push(`${where}: WARC-Payload-Digest mismatch`);
      }
    }
    if ((type === 'request' || type === 'response' || type === 'revisit') &&
        record.warcConcurrentTo.length === 0) {
      errors.push(`${where}: no WARC-Concurrent-To`);
    }
  }
  console.log(JSON.stringify({ records, types, errors }));
  process.exit(errors.length ? 1 : 0);
})().catch((e) => { console.log(JSON.stringify({ records: 0, errors: [String(e)] })); process.exit(1); });
