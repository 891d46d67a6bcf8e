import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../models/embedded-postgres.ts';

// The embedded server is what `npm start` runs on, and what the CLI reaches while the app holds the folder:
// several connections into PGlite's one session. These tests drive it over real sockets.

let embedded: EmbeddedPostgres;
const clients: pg.Client[] = [];

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ maxConnections: 8 });
  for (let i = 0; i < 4; i += 1) {
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    clients.push(client);
  }
  await clients[0]!.query('CREATE TABLE marks (owner text NOT NULL)');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
  await embedded.stop();
});

describe('the embedded server', () => {
  it('answers each connection its own query when several send parameterised queries at once', async () => {
    // Each connection's query has its own text and parameter types: bound to another's statement, it would fail
    // ("unnamed prepared statement does not exist", a type error) or return another connection's value. A long
    // parameter (as a bulk insert binds) spreads a query's messages over several reads of the socket, which is
    // when another connection's messages can come between them.
    const rounds = 20;
    const long = 'x'.repeat(200_000);
    const answers = await Promise.all(
      clients.map(async (client, i) => {
        const seen: string[] = [];
        for (let round = 0; round < rounds; round += 1) {
          const { rows } =
            i % 2 === 0
              ? await client.query<{ v: number }>(`SELECT length($1::text) + $2::int + ${i * 1000} AS v`, [long, round])
              : await client.query<{ v: string }>(`SELECT left($1::text, 1) || $2::text || '-${i}' AS v`, [long, `r${round}`]);
          seen.push(String(rows[0]!.v));
        }
        return seen;
      }),
    );
    answers.forEach((seen, i) => {
      const expected = Array.from({ length: rounds }, (_, round) => (i % 2 === 0 ? String(long.length + round + i * 1000) : `xr${round}-${i}`));
      expect(seen).toEqual(expected);
    });
  });

  it('rolls back what a connection left open when it drops: a transaction, or a query sent without its Sync', async () => {
    const inTransaction = new pg.Client({ connectionString: embedded.url });
    inTransaction.on('error', () => undefined);
    await inTransaction.connect();
    await inTransaction.query('BEGIN');
    await inTransaction.query('INSERT INTO marks (owner) VALUES ($1)', ['transaction']);
    (inTransaction as unknown as { connection: { stream: Socket } }).connection.stream.destroy();

    const halfSent = await rawConnection(embedded.url);
    // Parse, Bind, Execute of an INSERT, and the connection is gone before its Sync.
    halfSent.write(Buffer.concat([parse("INSERT INTO marks (owner) VALUES ('half-sent')"), bind(), execute()]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    halfSent.destroy();

    // The others are served again; a query of theirs joined to what was left open would have committed it.
    await clients[1]!.query('INSERT INTO marks (owner) VALUES ($1)', ['after']);
    const { rows } = await clients[2]!.query<{ owner: string }>('SELECT owner FROM marks');
    expect(rows).toEqual([{ owner: 'after' }]);
  });
});

/** A socket past the start-up exchange, for writing protocol messages by hand. */
async function rawConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8 + params.length);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4);
  params.copy(startup, 8);
  socket.write(startup);
  // ReadyForQuery ('Z') ends the start-up.
  await new Promise<void>((resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      seen = Buffer.concat([seen, data]);
      if (seen.includes(Buffer.from([0x5a, 0, 0, 0, 5]))) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  return socket;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'ascii');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
const parse = (sql: string) => message('P', Buffer.concat([Buffer.from(`\0${sql}\0`), Buffer.from([0, 0])]));
const bind = () => message('B', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]));
const execute = () => message('E', Buffer.from([0, 0, 0, 0, 0]));
