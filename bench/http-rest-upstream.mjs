// The local upstream of bench/http-rest.mjs: a contract-mode HttpRest endpoint on raw node:http
// that verifies X-Bella-Signature and answers `list` with the 100 secrets of one path. It
// reports its own service time per request (receive → response end) to the parent on request.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { verifyOutboundSignature } from '@keygate/core/wire';

const secret = process.env.SIGNING_SECRET;
const secrets = {};
for (let i = 0; i < 100; i++) secrets[`SECRET_${String(i).padStart(3, '0')}`] = randomBytes(24).toString('base64');
const listing = JSON.stringify({ secrets });
const serviceTimes = [];

const server = createServer((req, res) => {
  const started = performance.now();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const header = req.headers['x-bella-signature'];
    if (typeof header !== 'string' || !verifyOutboundSignature(secret, header, raw)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
      return;
    }
    const call = JSON.parse(raw.toString('utf8'));
    if (call.action === 'list') res.writeHead(200, { 'content-type': 'application/json' }).end(listing);
    else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    serviceTimes.push(performance.now() - started);
  });
});

process.on('message', (message) => {
  if (message === 'reset') serviceTimes.length = 0;
  if (message === 'times') process.send({ times: serviceTimes });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send({ ready: true }));
