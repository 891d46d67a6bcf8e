import { createHash } from 'node:crypto';
import pg from 'pg';
import { Sequelize, type Transaction } from 'sequelize';
import { initModels, type Models } from './models.ts';

// DATE columns hold calendar days (a reading's day in Kyiv, a payment's day): keep them as 'YYYY-MM-DD'
// text so no time zone ever shifts them.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export interface Database {
  sequelize: Sequelize;
  models: Models;
  /**
   * Runs one of the statements every update repeats (positional `$1` parameters) as a named prepared statement,
   * so PostgreSQL plans it once per connection instead of on every call: for the joins a bot runs per message,
   * planning costs several times the execution. Same connections, pool and transactions as `sequelize`.
   */
  hot<Row>(text: string, values: readonly unknown[], options?: { transaction?: Transaction }): Promise<Row[]>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  logSql?: (sql: string) => void;
  /**
   * Off for the embedded server: its socket front serves every connection from one backend session, where
   * two connections preparing the same name would collide. Statements then go unnamed (planned each time).
   */
  namedStatements?: boolean;
}

/** The `pg` client Sequelize holds for a transaction. */
export function clientOfTransaction(transaction: Transaction): pg.ClientBase {
  return (transaction as unknown as { connection: pg.ClientBase }).connection;
}

function hotStatements(sequelize: Sequelize, named: boolean): Database['hot'] {
  const names = new Map<string, string>();
  // Named after the text itself: one text, one name, and never one name for two texts (pg refuses that).
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `hot_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  return async <Row>(text: string, values: readonly unknown[], options: { transaction?: Transaction } = {}) => {
    const query: pg.QueryConfig = named ? { name: nameOf(text), text, values: [...values] } : { text, values: [...values] };
    if (options.transaction) return (await clientOfTransaction(options.transaction).query(query)).rows as Row[];
    const connections = sequelize.connectionManager;
    const client = (await connections.getConnection({ type: 'write' })) as pg.ClientBase;
    try {
      return (await client.query(query)).rows as Row[];
    } finally {
      connections.releaseConnection(client);
    }
  };
}

export function createDatabase(options: DatabaseOptions): Database {
  const sequelize = new Sequelize(options.url, {
    dialect: 'postgres',
    dialectModule: pg,
    logging: options.logSql ?? false,
    // A connection once opened is kept (min = max, a fixed-size pool): opening one forks a PostgreSQL backend and
    // prepares the hot statements again, tens of ms each under load, and a pool that closes idle connections
    // reopens several at once in the next burst. The bench showed those reopenings as the p99 spikes.
    pool: { max: options.poolMax, min: options.poolMax, acquire: 30_000 },
    define: { underscored: true, timestamps: false, freezeTableName: true },
    // Timestamps travel as UTC; the calendar day of Kyiv is computed in core, never by the server.
    timezone: '+00:00',
  });
  const models = initModels(sequelize);
  return {
    sequelize,
    models,
    hot: hotStatements(sequelize, options.namedStatements ?? true),
    close: () => sequelize.close(),
  };
}
