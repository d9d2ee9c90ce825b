// Express reference stack for bench/run.sh --express: helmet, cors and
// express-rate-limit (100 requests / 15 min raised so it never triggers), with
// the same GET /api/hello as the generated services. ADDR=host:port.
'use strict';
const express = require('express');
const helmet = require('helmet');
const cors = require('cors');
const { rateLimit } = require('express-rate-limit');

const [host, port] = (process.env.ADDR || '127.0.0.1:3000').split(':');
const app = express();
app.use(helmet());
app.use(cors({ origin: 'https://app.example.com', credentials: true }));
app.use(rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 1_000_000_000, // 100 in the classic setup; raised so it never triggers
  standardHeaders: true,
  legacyHeaders: false,
}));
app.get('/api/hello', (req, res) => {
  res.json({ message: 'hello' });
});
app.listen(Number(port), host);
