import express from 'express';
import pino from 'pino';
import { v4 as uuid } from 'uuid';
import _ from 'lodash';

const log = pino({ level: 'warn' });
const app = express();
app.get('/', (_req, res) => {
  res.send(`hello from ${_.upperFirst('express')} ${uuid().length}\n`);
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => {
  log.info('listening');
  // Smoke mode: answer one request from inside the container, print it, exit.
  if (process.argv.includes('--smoke')) {
    fetch(`http://127.0.0.1:${port}/`)
      .then((r) => r.text())
      .then((t) => {
        process.stdout.write(t);
        server.close();
      });
  }
});
