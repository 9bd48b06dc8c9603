// The baseline of the throughput benchmark: a trivial Express 5 JSON endpoint.
import express from 'express';

const app = express();
const body = { status: 'ok', items: [1, 2, 3] };
app.get('/', (_req, res) => res.json(body));
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
