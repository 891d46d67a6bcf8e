import type { Database } from '../../models/database.ts';

/** Counts every statement the database instance runs (Model calls and transactions go through `query` too). */
export interface QueryMeter {
  count: number;
  /** Wall time spent inside `query`, pool waits included: what a handler waits for. */
  ms: number;
  statements: string[];
  /** Bytes of the prepared statements' text parameters (the flow state written is most of them). */
  paramBytes: number;
}

type Query = (sql: unknown, options?: unknown) => Promise<unknown>;

function shape(sql: unknown): string {
  const text = typeof sql === 'string' ? sql : String((sql as { query?: unknown } | null)?.query ?? sql);
  return text.replace(/\s+/g, ' ').trim().slice(0, 110);
}

/** Wraps the instance's `sequelize.query` and `hot`; meant for a database opened only for the profile. */
export function meterQueries(db: Database): QueryMeter {
  const meter: QueryMeter = { count: 0, ms: 0, statements: [], paramBytes: 0 };
  const sequelize = db.sequelize as unknown as { query: Query };
  const original: Query = sequelize.query.bind(sequelize);
  sequelize.query = async (sql, options) => {
    const started = performance.now();
    try {
      return await original(sql, options);
    } finally {
      meter.count++;
      meter.ms += performance.now() - started;
      meter.statements.push(shape(sql));
    }
  };
  const hot = db.hot.bind(db);
  db.hot = async (text, values, options) => {
    const started = performance.now();
    try {
      return await hot(text, values, options);
    } finally {
      meter.count++;
      meter.ms += performance.now() - started;
      meter.statements.push(`(prepared) ${shape(text)}`);
      for (const value of values) if (typeof value === 'string') meter.paramBytes += Buffer.byteLength(value);
    }
  };
  return meter;
}
