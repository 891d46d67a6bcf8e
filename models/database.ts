import pg from 'pg';
import { Sequelize } from 'sequelize';
import { initModels, type Models } from './models.ts';

// DATE columns hold calendar days (a reading's day in Kyiv, a payment's day): keep them as 'YYYY-MM-DD'
// text so no time zone ever shifts them.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export interface Database {
  sequelize: Sequelize;
  models: Models;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  logSql?: (sql: string) => void;
}

export function createDatabase(options: DatabaseOptions): Database {
  const sequelize = new Sequelize(options.url, {
    dialect: 'postgres',
    dialectModule: pg,
    logging: options.logSql ?? false,
    pool: { max: options.poolMax, min: 0, idle: 10_000, acquire: 30_000 },
    define: { underscored: true, timestamps: false, freezeTableName: true },
    // Timestamps travel as UTC; the calendar day of Kyiv is computed in core, never by the server.
    timezone: '+00:00',
  });
  const models = initModels(sequelize);
  return {
    sequelize,
    models,
    close: () => sequelize.close(),
  };
}
